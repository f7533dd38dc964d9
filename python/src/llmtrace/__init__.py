"""LLMTrace Python SDK: route OpenAI/Anthropic clients through the LLMTrace proxy, group an agent's
calls into one trace (W3C ``traceparent``), report the actions it performs, and read the REST API.

Standard library only.

Example::

    import openai, llmtrace

    llmtrace.configure("http://127.0.0.1:8080", agent_id="support-bot")
    client = llmtrace.instrument(openai.OpenAI())
    tracer = llmtrace.LLMSecTracer()
    with tracer.trace("answer-ticket"):
        client.chat.completions.create(model="gpt-4o-mini", messages=[...])
"""

from ._client import LLMTraceClient
from ._config import Settings, configure, get_settings
from ._context import SpanContext, get_current_span, parse_traceparent
from ._http import LLMTraceAPIError, LLMTraceConnectionError, LLMTraceError
from ._instrument import instrument, trace_headers
from ._tracer import ACTION_TYPES, LLMSecTracer, ReporterStats
from .models import (
    ActionsSummary,
    AgentAction,
    CostReport,
    CostWindow,
    Finding,
    Page,
    Span,
    Trace,
)

__version__ = "0.1.0"

__all__ = [
    "ACTION_TYPES",
    "ActionsSummary",
    "AgentAction",
    "CostReport",
    "CostWindow",
    "Finding",
    "LLMSecTracer",
    "LLMTraceAPIError",
    "LLMTraceClient",
    "LLMTraceConnectionError",
    "LLMTraceError",
    "Page",
    "ReporterStats",
    "Settings",
    "Span",
    "SpanContext",
    "Trace",
    "__version__",
    "configure",
    "get_current_span",
    "get_settings",
    "instrument",
    "parse_traceparent",
    "trace_headers",
]
