"""W3C Trace Context (https://www.w3.org/TR/trace-context/) for the SDK's trace and span scopes.

The active scope lives in a ``contextvars.ContextVar``, so it follows the code that runs inside a
``with``/``async with`` block: asyncio tasks created inside copy it, threads do not (use
``contextvars.copy_context().run`` to hand it to a thread).
"""

from __future__ import annotations

import re
import secrets
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Optional

# version "00", 32 hex trace id, 16 hex parent id, 2 hex flags (spec section 3.2.2).
_TRACEPARENT = re.compile(r"^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$")
_ZERO_TRACE = "0" * 32
_ZERO_SPAN = "0" * 16


def new_trace_id() -> str:
    """A random 128-bit trace id as 32 lower-case hex digits (never all zeros, spec 3.2.2.3)."""
    while True:
        value = secrets.token_hex(16)
        if value != _ZERO_TRACE:
            return value


def new_span_id() -> str:
    """A random 64-bit span id as 16 lower-case hex digits (never all zeros, spec 3.2.2.4)."""
    while True:
        value = secrets.token_hex(8)
        if value != _ZERO_SPAN:
            return value


@dataclass(frozen=True)
class SpanContext:
    """One scope opened by ``LLMSecTracer.trace`` or ``span``.

    Example::

        ctx = SpanContext(trace_id=new_trace_id(), span_id=new_span_id(), name="plan")
        ctx.traceparent  # '00-<trace_id>-<span_id>-01'
    """

    trace_id: str
    span_id: str
    name: str
    parent_span_id: Optional[str] = None
    session_id: Optional[str] = None
    sampled: bool = True
    tracestate: Optional[str] = None

    @property
    def traceparent(self) -> str:
        """The ``traceparent`` header value naming this scope as the parent of the next call."""
        return f"00-{self.trace_id}-{self.span_id}-{'01' if self.sampled else '00'}"


@dataclass(frozen=True)
class ParsedTraceparent:
    """The fields of a valid ``traceparent`` header."""

    trace_id: str
    parent_id: str
    sampled: bool


def parse_traceparent(value: Optional[str]) -> Optional[ParsedTraceparent]:
    """Parses a ``traceparent`` header; ``None`` for anything the spec says to ignore.

    Example::

        parse_traceparent("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01").trace_id
    """
    if value is None:
        return None
    match = _TRACEPARENT.match(value.strip())
    if match is None:
        return None
    version, trace_id, parent_id, flags = match.groups()
    # Version ff is invalid; all-zero ids are invalid (spec 3.2.2.1, 3.2.2.3, 3.2.2.4).
    if version == "ff" or trace_id == _ZERO_TRACE or parent_id == _ZERO_SPAN:
        return None
    return ParsedTraceparent(trace_id, parent_id, (int(flags, 16) & 1) == 1)


current_span: ContextVar[Optional[SpanContext]] = ContextVar("llmtrace_current_span", default=None)


def get_current_span() -> Optional[SpanContext]:
    """The innermost open trace/span scope in this context, or ``None``."""
    return current_span.get()
