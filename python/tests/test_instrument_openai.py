"""instrument() with the real `openai` package: sync, async and streaming calls through the proxy."""

from __future__ import annotations

import asyncio

import openai
import pytest

import llmtrace
from conftest import eventually, spans_of_trace


def test_instrument_points_the_client_at_the_proxy_and_keeps_the_api_path(settings):
    client = llmtrace.instrument(openai.OpenAI(), settings=settings)
    assert str(client.base_url) == settings.proxy_url + "/v1/"
    # Instrumenting twice neither stacks path prefixes nor wraps the hook twice.
    llmtrace.instrument(client, settings=settings)
    assert str(client.base_url) == settings.proxy_url + "/v1/"


def test_instrument_rejects_an_object_that_is_not_a_client(settings):
    with pytest.raises(TypeError, match="OpenAI or Anthropic client"):
        llmtrace.instrument(object(), settings=settings)


def test_sync_call_is_recorded_with_the_agent_of_the_settings(settings, api):
    client = llmtrace.instrument(openai.OpenAI(), settings=settings)
    answer = client.chat.completions.create(
        model="gpt-4o", messages=[{"role": "user", "content": "Hello!"}]
    )
    assert answer.choices[0].message.content == "Hello! How can I help you today?"
    spans = eventually(lambda: api.list_spans(agent_id=settings.agent_id).items)
    assert len(spans) == 1, [(s.status_code, s.error_message, s.tenant_id, s.trace_id) for s in spans]
    assert spans[0].agent_id == settings.agent_id
    assert spans[0].total_tokens == 29


def test_sync_stream_delivers_every_chunk_and_is_recorded(settings, api):
    client = llmtrace.instrument(openai.OpenAI(), settings=settings)
    tracer = llmtrace.LLMSecTracer(settings=settings)
    with tracer.trace("stream") as run:
        stream = client.chat.completions.create(
            model="gpt-4o-mini",
            messages=[{"role": "user", "content": "Stream please"}],
            stream=True,
        )
        text = "".join(chunk.choices[0].delta.content or "" for chunk in stream if chunk.choices)
    assert text == "Hello from the mock"
    trace = spans_of_trace(api, run.trace_id, 1)
    assert trace.spans[0].response == "Hello from the mock"


async def test_async_client_calls_in_one_trace_share_it(settings, api):
    client = llmtrace.instrument(openai.AsyncOpenAI(), settings=settings)
    tracer = llmtrace.LLMSecTracer(settings=settings)
    async with tracer.trace("async-run") as run:
        first = await client.chat.completions.create(
            model="gpt-4o", messages=[{"role": "user", "content": "one"}]
        )
        stream = await client.chat.completions.create(
            model="gpt-4o-mini", messages=[{"role": "user", "content": "two"}], stream=True
        )
        pieces = [chunk.choices[0].delta.content or "" async for chunk in stream if chunk.choices]
    assert first.choices[0].message.content.startswith("Hello!")
    assert "".join(pieces) == "Hello from the mock"
    trace = spans_of_trace(api, run.trace_id, 2)
    assert len(trace.spans) == 2
    assert {s.parent_span_id for s in trace.spans} == {run.span_id}


async def test_concurrent_async_traces_do_not_mix(settings, api):
    client = llmtrace.instrument(openai.AsyncOpenAI(), settings=settings)
    tracer = llmtrace.LLMSecTracer(settings=settings)

    async def run(name: str) -> str:
        async with tracer.trace(name) as scope:
            for _ in range(2):
                await client.chat.completions.create(
                    model="gpt-4o", messages=[{"role": "user", "content": name}]
                )
            return scope.trace_id

    first, second = await asyncio.gather(run("a"), run("b"))
    assert first != second
    for trace_id in (first, second):
        trace = spans_of_trace(api, trace_id, 2)
        assert len(trace.spans) == 2
        assert all(s.trace_id == trace_id for s in trace.spans)
