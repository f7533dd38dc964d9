"""The action wire format, and actions still queued when a script ends (atexit flush)."""

from __future__ import annotations

import json
import pathlib
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

SRC = pathlib.Path(__file__).resolve().parents[1] / "src"


def test_a_script_that_ends_without_flush_still_posts_its_actions_in_snake_case():
    received = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802 - the http.server hook name
            length = int(self.headers.get("content-length", "0"))
            received.append(
                {
                    "path": self.path,
                    "tenant": self.headers.get("x-llmtrace-tenant-id"),
                    "body": json.loads(self.rfile.read(length)),
                }
            )
            payload = b'{"actions":[]}'
            self.send_response(201)
            self.send_header("content-type", "application/json")
            self.send_header("content-length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def log_message(self, *args):  # keep the test output quiet
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        script = f"""
import sys
sys.path.insert(0, {str(SRC)!r})
import llmtrace
tracer = llmtrace.LLMSecTracer(proxy_url="http://127.0.0.1:{server.server_port}", tenant_id="acme",
                               flush_interval=60)
with tracer.trace("exit") as run:
    tracer.report_action("file_access", "read_file", path="notes.txt", operation="read",
                         started_at="2026-01-01T00:00:00.000Z", duration_ms=3)
    tracer.report_action("tool_call", "get_weather", arguments={{"city": "Paris"}}, result="sunny")
print(run.trace_id)
"""
        out = subprocess.run(
            [sys.executable, "-c", script], capture_output=True, text=True, check=True, timeout=60
        )
        trace_id = out.stdout.strip()
    finally:
        server.shutdown()
        server.server_close()
    assert len(received) == 1, received
    post = received[0]
    assert post["path"] == f"/api/v1/traces/{trace_id}/actions"
    assert post["tenant"] == "acme"
    first, second = post["body"]["actions"]
    assert first == {
        "action_type": "file_access",
        "name": "read_file",
        "started_at": "2026-01-01T00:00:00.000Z",
        "duration_ms": 3,
        "path": "notes.txt",
        "operation": "read",
    }
    assert second["action_type"] == "tool_call"
    assert json.loads(second["arguments"]) == {"city": "Paris"}
    assert second["result"] == "sunny"
