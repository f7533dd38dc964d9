"""instrument() with the real `anthropic` package: sync, async and streaming calls."""

from __future__ import annotations

import anthropic

import llmtrace
from conftest import spans_of_trace

MODEL = "claude-sonnet-4-5-20250929"


def test_anthropic_base_url_is_the_proxy_root(settings):
    client = llmtrace.instrument(anthropic.Anthropic(), settings=settings)
    assert str(client.base_url).rstrip("/") == settings.proxy_url


def test_sync_message_and_stream_land_in_one_trace(settings, api):
    client = llmtrace.instrument(anthropic.Anthropic(), settings=settings)
    tracer = llmtrace.LLMSecTracer(settings=settings)
    with tracer.trace("anthropic-sync") as run:
        message = client.messages.create(
            model=MODEL, max_tokens=100, messages=[{"role": "user", "content": "Weather?"}]
        )
        with client.messages.stream(
            model=MODEL, max_tokens=100, messages=[{"role": "user", "content": "Stream it"}]
        ) as stream:
            streamed = "".join(stream.text_stream)
    assert message.content[0].text == "It is 18°C and sunny."
    assert streamed == "Hello from the mock"
    trace = spans_of_trace(api, run.trace_id, 2)
    assert {s.provider for s in trace.spans} == {"anthropic"}
    assert {s.agent_id for s in trace.spans} == {settings.agent_id}


async def test_async_message_and_stream(settings, api):
    client = llmtrace.instrument(anthropic.AsyncAnthropic(), settings=settings)
    tracer = llmtrace.LLMSecTracer(settings=settings)
    async with tracer.trace("anthropic-async") as run:
        message = await client.messages.create(
            model=MODEL, max_tokens=100, messages=[{"role": "user", "content": "Weather?"}]
        )
        stream = await client.messages.create(
            model=MODEL,
            max_tokens=100,
            messages=[{"role": "user", "content": "Stream it"}],
            stream=True,
        )
        kinds = [event.type async for event in stream]
    assert message.content[0].text == "It is 18°C and sunny."
    assert kinds[0] == "message_start" and kinds[-1] == "message_stop"
    trace = spans_of_trace(api, run.trace_id, 2)
    assert len(trace.spans) == 2
    assert all(s.model_name == MODEL for s in trace.spans)
