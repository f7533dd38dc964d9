"""The README's "Python SDK" examples run, in order, in one namespace, against the live proxy."""

from __future__ import annotations

import pathlib
import re

import llmtrace

README = pathlib.Path(__file__).resolve().parents[2] / "README.md"
DOC_URL = "http://127.0.0.1:8080"


def python_examples() -> list:
    text = README.read_text(encoding="utf-8")
    section = re.search(r"^## Python SDK\n(.*?)^## ", text, re.S | re.M)
    assert section is not None, "README has no '## Python SDK' section"
    return re.findall(r"^```python\n(.*?)^```", section.group(1), re.S | re.M)


def test_readme_python_examples_run_against_the_proxy(proxy_url, capsys):
    examples = python_examples()
    assert len(examples) >= 3
    namespace: dict = {"__name__": "readme"}
    try:
        for source in examples:
            exec(compile(source.replace(DOC_URL, proxy_url), str(README), "exec"), namespace)
    finally:
        llmtrace.configure(env={})  # the first example configures the process-wide defaults
    run = namespace["run"]
    tracer = namespace["tracer"]
    assert tracer.stats.queued == 2 and tracer.stats.dropped == 0
    trace = namespace["trace"]
    assert trace.trace_id == run.trace_id
    assert namespace["sessions"].total >= 1
    printed = capsys.readouterr().out
    assert run.trace_id in printed
