"""LLMSecTracer: trace/span grouping through the proxy, session ids, and action reporting."""

from __future__ import annotations

import logging

import openai

import llmtrace
from conftest import eventually, pending_on_issue_15, spans_of_trace


def ask(client: openai.OpenAI, text: str) -> str:
    answer = client.chat.completions.create(
        model="gpt-4o", messages=[{"role": "user", "content": text}]
    )
    return answer.choices[0].message.content


def test_three_calls_in_a_trace_are_one_trace_with_three_spans(settings, api):
    client = llmtrace.instrument(openai.OpenAI(), settings=settings)
    tracer = llmtrace.LLMSecTracer(settings=settings)
    with tracer.trace("agent-run") as run:
        ask(client, "plan")
        with tracer.span("search") as step:
            ask(client, "search")
        ask(client, "answer")
    trace = spans_of_trace(api, run.trace_id, 3)
    assert trace.trace_id == run.trace_id
    assert len(trace.spans) == 3
    assert len({s.span_id for s in trace.spans}) == 3
    parents = sorted(s.parent_span_id for s in trace.spans)
    # Two calls hang off the run, the one inside span("search") off that step.
    assert parents == sorted([run.span_id, run.span_id, step.span_id])


def test_calls_outside_a_trace_get_a_trace_of_their_own(settings, api):
    client = llmtrace.instrument(openai.OpenAI(), settings=settings)
    ask(client, "one")
    ask(client, "two")
    spans = eventually(
        lambda: (lambda page: page.items if page.total == 2 else None)(
            api.list_spans(agent_id=settings.agent_id)
        )
    )
    assert spans[0].trace_id != spans[1].trace_id


def test_session_id_is_stored_and_filters_traces(settings, api, unique):
    client = llmtrace.instrument(openai.OpenAI(), settings=settings)
    tracer = llmtrace.LLMSecTracer(settings=settings)
    session = f"conversation-{unique}"
    with tracer.trace("turn-1", session_id=session) as first:
        ask(client, "hi")
    with tracer.trace("turn-2", session_id=session) as second:
        ask(client, "again")
    with tracer.trace("other"):
        ask(client, "unrelated")
    page = eventually(
        lambda: (lambda p: p if p.total == 2 else None)(api.list_traces(session_id=session))
    )
    assert {t.trace_id for t in page.items} == {first.trace_id, second.trace_id}
    assert {t.session_id for t in page.items} == {session}


def test_an_incoming_traceparent_continues_that_trace(settings, api):
    client = llmtrace.instrument(openai.OpenAI(), settings=settings)
    tracer = llmtrace.LLMSecTracer(settings=settings)
    incoming = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"
    with tracer.trace("handler", traceparent=incoming) as run:
        ask(client, "continued")
    assert run.trace_id == "0af7651916cd43dd8448eb211c80319c"
    trace = spans_of_trace(api, run.trace_id, 1)
    assert trace.spans[0].parent_span_id == run.span_id


def test_an_invalid_incoming_traceparent_starts_a_fresh_trace(settings):
    tracer = llmtrace.LLMSecTracer(settings=settings)
    with tracer.trace("handler", traceparent="00-00000000000000000000000000000000-b7ad6b7169203331-01") as run:
        assert run.trace_id != "0" * 32
        assert len(run.trace_id) == 32


@pending_on_issue_15
def test_reported_actions_are_stored_on_the_trace(settings, api):
    client = llmtrace.instrument(openai.OpenAI(), settings=settings)
    tracer = llmtrace.LLMSecTracer(settings=settings, flush_interval=0.05)
    with tracer.trace("tools") as run:
        ask(client, "list the files")
        assert tracer.report_action("command_execution", "shell", command="ls -la", exit_code=0)
        assert tracer.report_action(
            "web_access", "fetch", url="https://example.com/", method="get", status_code=200
        )
        assert tracer.report_action("file_access", "read_file", path="README.md", operation="read")
    assert tracer.flush(timeout=15)
    assert tracer.stats.sent == 3 and tracer.stats.failed == 0
    trace = spans_of_trace(api, run.trace_id, 1)
    actions = [a for s in trace.spans for a in s.agent_actions if a.source == "reported"]
    by_type = {a.action_type: a for a in actions}
    assert by_type["command_execution"].command == "ls -la"
    assert by_type["web_access"].method == "GET"
    assert by_type["file_access"].path == "README.md"


def test_report_action_never_raises_when_the_proxy_is_down(caplog):
    # Port 9 (discard) on loopback: nothing listens there in the test environment.
    tracer = llmtrace.LLMSecTracer(proxy_url="http://127.0.0.1:9", flush_interval=0.01)
    tracer._reporter.UNAVAILABLE_DELAYS = (0.01,)
    with caplog.at_level(logging.WARNING, logger="llmtrace"):
        with tracer.trace("offline"):
            assert tracer.report_action("tool_call", "get_weather", arguments={"city": "Paris"})
        assert tracer.flush(timeout=10)
    assert tracer.stats.failed == 1 and tracer.stats.sent == 0
    assert "not recorded" in caplog.text


def test_report_action_rejects_bad_input_without_raising(settings, caplog):
    tracer = llmtrace.LLMSecTracer(settings=settings)
    with caplog.at_level(logging.WARNING, logger="llmtrace"):
        assert tracer.report_action("shell", "x") is False  # no open trace
        with tracer.trace("bad"):
            assert tracer.report_action("teleport", "x") is False
            assert tracer.report_action("file_access", "x", path="/tmp/a", operation="chmod") is False
    assert tracer.stats.dropped == 3
    assert "is not one of" in caplog.text
