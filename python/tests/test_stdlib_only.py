"""The SDK's promise: standard library only at run time, so it installs anywhere Python runs."""

from __future__ import annotations

import pathlib
import subprocess
import sys

SRC = pathlib.Path(__file__).resolve().parents[1] / "src"

PROBE = """
import sys
sys.path.insert(0, {src!r})
import llmtrace
llmtrace.LLMSecTracer(proxy_url="http://127.0.0.1:9")
llmtrace.LLMTraceClient("http://127.0.0.1:9")
top = {{name.split(".")[0] for name in sys.modules}}
print(sorted(top - set(sys.stdlib_module_names) - {{"llmtrace", "__main__"}}))
"""


def test_importing_and_using_the_sdk_loads_only_standard_library_modules():
    # -I: isolated mode, so neither site-packages nor the environment can satisfy an import.
    out = subprocess.run(
        [sys.executable, "-I", "-S", "-c", PROBE.format(src=str(SRC))],
        capture_output=True,
        text=True,
        check=True,
    )
    assert out.stdout.strip() == "[]", out.stdout + out.stderr
