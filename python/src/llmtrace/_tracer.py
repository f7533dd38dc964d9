"""``LLMSecTracer``: trace/span scopes that group LLM calls, and batched action reporting."""

from __future__ import annotations

import asyncio
import atexit
import json
import logging
import threading
import time
import weakref
from contextvars import Token
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any, Dict, List, Optional, Tuple

from ._config import Settings, resolve_settings
from ._context import SpanContext, current_span, new_span_id, new_trace_id, parse_traceparent
from ._http import LLMTraceAPIError, LLMTraceError, request_json

logger = logging.getLogger("llmtrace")

ACTION_TYPES = frozenset(
    {"tool_call", "skill_invocation", "command_execution", "web_access", "file_access"}
)
FILE_OPERATIONS = frozenset({"read", "write", "delete"})


def _now_iso() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


@dataclass(frozen=True)
class ReporterStats:
    """What happened to reported actions so far (the reporter never raises; it counts)."""

    queued: int
    sent: int
    failed: int
    dropped: int


class _SpanScope:
    """A trace or span scope, usable with ``with`` and ``async with``."""

    def __init__(self, tracer: "LLMSecTracer", context: SpanContext, root: bool) -> None:
        self._tracer = tracer
        self.context = context
        self._root = root
        self._token: Optional[Token] = None

    @property
    def trace_id(self) -> str:
        return self.context.trace_id

    @property
    def span_id(self) -> str:
        return self.context.span_id

    @property
    def traceparent(self) -> str:
        return self.context.traceparent

    def __enter__(self) -> "_SpanScope":
        self._token = current_span.set(self.context)
        return self

    def __exit__(self, *exc: object) -> None:
        if self._token is not None:
            current_span.reset(self._token)
            self._token = None
        if self._root:
            # Hand the trace's actions to the background sender now rather than at the next tick;
            # the user's code does not wait for the network.
            self._tracer._reporter.nudge()

    async def __aenter__(self) -> "_SpanScope":
        return self.__enter__()

    async def __aexit__(self, *exc: object) -> None:
        self.__exit__(*exc)


class _ActionReporter:
    """Queues actions and posts them in batches from one daemon thread.

    Failures are logged on the ``llmtrace`` logger and counted, never raised: an agent must not
    crash because its observability backend is down.
    """

    # A trace's spans are written after the LLM call answers (capture is asynchronous), so the
    # first post for a fresh trace can meet a 404; retry that a few times before giving up.
    NOT_FOUND_DELAYS = (0.05, 0.1, 0.2, 0.4, 0.8, 1.6)
    UNAVAILABLE_DELAYS = (0.2, 0.5, 1.0)

    def __init__(
        self, settings: Settings, batch_size: int, flush_interval: float, max_queue: int
    ) -> None:
        self._settings = settings
        self._batch_size = batch_size
        self._interval = flush_interval
        self._max_queue = max_queue
        self._cond = threading.Condition()
        self._pending: List[Tuple[str, Dict[str, Any]]] = []
        self._inflight = 0
        self._wake = threading.Event()
        self._thread: Optional[threading.Thread] = None
        self._closed = False
        self._queued = self._sent = self._failed = self._dropped = 0

    def stats(self) -> ReporterStats:
        with self._cond:
            return ReporterStats(self._queued, self._sent, self._failed, self._dropped)

    def drop(self, reason: str) -> None:
        with self._cond:
            self._dropped += 1
        logger.warning("llmtrace: action dropped: %s", reason)

    def submit(self, trace_id: str, action: Dict[str, Any]) -> bool:
        with self._cond:
            if self._closed:
                self._dropped += 1
                logger.warning("llmtrace: action dropped: the tracer is closed")
                return False
            if len(self._pending) >= self._max_queue:
                self._dropped += 1
                logger.warning("llmtrace: action dropped: %d actions already queued", self._max_queue)
                return False
            self._pending.append((trace_id, action))
            self._queued += 1
            full = len(self._pending) >= self._batch_size
            if self._thread is None:
                self._thread = threading.Thread(
                    target=self._run, name="llmtrace-actions", daemon=True
                )
                self._thread.start()
        if full:
            self._wake.set()
        return True

    def nudge(self) -> None:
        self._wake.set()

    def flush(self, timeout: Optional[float]) -> bool:
        self._wake.set()
        deadline = None if timeout is None else time.monotonic() + timeout
        with self._cond:
            while self._pending or self._inflight:
                if self._thread is None or not self._thread.is_alive():
                    break
                remaining = None if deadline is None else deadline - time.monotonic()
                if remaining is not None and remaining <= 0:
                    return False
                self._cond.wait(remaining if remaining is not None else 0.5)
                self._wake.set()
            return not self._pending and not self._inflight

    def close(self, timeout: Optional[float]) -> bool:
        done = self.flush(timeout)
        with self._cond:
            self._closed = True
        self._wake.set()
        return done

    def _run(self) -> None:
        while True:
            self._wake.wait(self._interval)
            self._wake.clear()
            with self._cond:
                batch = self._pending
                self._pending = []
                self._inflight += len(batch)
                closed = self._closed
            if batch:
                self._send_all(batch)
            with self._cond:
                self._inflight -= len(batch)
                self._cond.notify_all()
                if closed and not self._pending:
                    return

    def _send_all(self, batch: List[Tuple[str, Dict[str, Any]]]) -> None:
        by_trace: Dict[str, List[Dict[str, Any]]] = {}
        for trace_id, action in batch:
            by_trace.setdefault(trace_id, []).append(action)
        for trace_id, actions in by_trace.items():
            for start in range(0, len(actions), self._batch_size):
                chunk = actions[start : start + self._batch_size]
                ok = self._post(trace_id, chunk)
                with self._cond:
                    if ok:
                        self._sent += len(chunk)
                    else:
                        self._failed += len(chunk)

    def _post(self, trace_id: str, actions: List[Dict[str, Any]]) -> bool:
        not_found = iter(self.NOT_FOUND_DELAYS)
        unavailable = iter(self.UNAVAILABLE_DELAYS)
        while True:
            try:
                request_json(
                    self._settings,
                    "POST",
                    f"/api/v1/traces/{trace_id}/actions",
                    body={"actions": actions},
                )
                return True
            except LLMTraceAPIError as error:
                delay = None
                if error.status == 404:
                    delay = next(not_found, None)
                elif error.status >= 500 or error.status == 429:
                    delay = next(unavailable, None)
                if delay is None:
                    logger.warning(
                        "llmtrace: %d action(s) for trace %s not recorded: %s",
                        len(actions),
                        trace_id,
                        error,
                    )
                    return False
            except LLMTraceError as error:
                delay = next(unavailable, None)
                if delay is None:
                    logger.warning(
                        "llmtrace: %d action(s) for trace %s not recorded: %s",
                        len(actions),
                        trace_id,
                        error,
                    )
                    return False
            except Exception:  # noqa: BLE001 - the reporter thread must survive anything
                logger.exception("llmtrace: unexpected error while reporting actions")
                return False
            time.sleep(delay)


_live_tracers: "weakref.WeakSet[LLMSecTracer]" = weakref.WeakSet()


@atexit.register
def _flush_at_exit() -> None:
    # Best effort: a script that ends right after its last trace still gets its actions sent.
    for tracer in list(_live_tracers):
        tracer.close(timeout=2.0)


class LLMSecTracer:
    """Groups LLM calls into traces and reports what the agent did.

    Every call made by an instrumented client inside ``trace()`` carries the trace's
    ``traceparent``, so the proxy records all of them in one trace; ``span()`` nests a step.

    Example::

        tracer = llmtrace.LLMSecTracer(agent_id="researcher")
        with tracer.trace("answer-question") as run:
            client.chat.completions.create(...)
            tracer.report_action("web_access", "fetch", url="https://example.com", method="GET")
        tracer.flush()
    """

    def __init__(
        self,
        *,
        proxy_url: Optional[str] = None,
        api_key: Optional[str] = None,
        tenant_id: Optional[str] = None,
        agent_id: Optional[str] = None,
        session_id: Optional[str] = None,
        settings: Optional[Settings] = None,
        batch_size: int = 50,
        flush_interval: float = 1.0,
        max_queue: int = 10_000,
    ) -> None:
        if batch_size < 1 or max_queue < 1 or flush_interval <= 0:
            raise ValueError("llmtrace: batch_size, max_queue and flush_interval must be positive")
        self.settings = resolve_settings(
            settings,
            proxy_url=proxy_url,
            api_key=api_key,
            tenant_id=tenant_id,
            agent_id=agent_id,
            session_id=session_id,
        )
        self._reporter = _ActionReporter(self.settings, batch_size, flush_interval, max_queue)
        _live_tracers.add(self)

    # -- scopes ------------------------------------------------------------------------------

    def trace(
        self,
        name: str,
        *,
        session_id: Optional[str] = None,
        traceparent: Optional[str] = None,
        tracestate: Optional[str] = None,
    ) -> _SpanScope:
        """Opens a new trace (an agent run). ``traceparent`` continues a trace started elsewhere
        (an incoming request's header); an invalid value starts a fresh trace, as the W3C spec says.
        """
        parent = parse_traceparent(traceparent)
        context = SpanContext(
            trace_id=parent.trace_id if parent else new_trace_id(),
            span_id=new_span_id(),
            name=name,
            parent_span_id=parent.parent_id if parent else None,
            session_id=session_id or self.settings.session_id,
            sampled=parent.sampled if parent else True,
            tracestate=tracestate if parent else None,
        )
        return _SpanScope(self, context, root=True)

    def span(self, name: str) -> _SpanScope:
        """Opens a step inside the current trace (or a new trace when none is open)."""
        outer = current_span.get()
        if outer is None:
            return self.trace(name)
        context = SpanContext(
            trace_id=outer.trace_id,
            span_id=new_span_id(),
            name=name,
            parent_span_id=outer.span_id,
            session_id=outer.session_id,
            sampled=outer.sampled,
            tracestate=outer.tracestate,
        )
        return _SpanScope(self, context, root=False)

    @property
    def current(self) -> Optional[SpanContext]:
        """The innermost open scope in this context."""
        return current_span.get()

    # -- actions -----------------------------------------------------------------------------

    def report_action(
        self,
        action_type: str,
        name: str,
        *,
        arguments: Optional[Any] = None,
        result: Optional[Any] = None,
        duration_ms: Optional[float] = None,
        started_at: Optional[str] = None,
        command: Optional[str] = None,
        exit_code: Optional[int] = None,
        url: Optional[str] = None,
        method: Optional[str] = None,
        status_code: Optional[int] = None,
        path: Optional[str] = None,
        operation: Optional[str] = None,
        trace_id: Optional[str] = None,
    ) -> bool:
        """Queues one action the agent performed (a command, web request, file access, skill or
        tool call) for the current trace. Never raises: returns ``False`` and logs a warning when
        the action cannot be queued (no open trace, bad ``action_type``, full queue).

        ``arguments``/``result`` that are not strings are sent as JSON text.

        Example::

            tracer.report_action("command_execution", "shell", command="ls -la", exit_code=0)
        """
        try:
            target = trace_id or (current_span.get().trace_id if current_span.get() else None)
            if target is None:
                self._reporter.drop(f"{name!r}: no open trace (use tracer.trace() or trace_id=)")
                return False
            if action_type not in ACTION_TYPES:
                self._reporter.drop(
                    f"{name!r}: action_type {action_type!r} is not one of {sorted(ACTION_TYPES)}"
                )
                return False
            if operation is not None and operation not in FILE_OPERATIONS:
                self._reporter.drop(f"{name!r}: operation must be read, write or delete")
                return False
            action: Dict[str, Any] = {
                "action_type": action_type,
                "name": str(name),
                "started_at": started_at or _now_iso(),
            }
            optional = {
                "arguments": _as_text(arguments),
                "result": _as_text(result),
                "duration_ms": duration_ms,
                "command": command,
                "exit_code": exit_code,
                "url": url,
                "method": method.upper() if isinstance(method, str) else method,
                "status_code": status_code,
                "path": path,
                "operation": operation,
            }
            action.update({k: v for k, v in optional.items() if v is not None})
            return self._reporter.submit(target, action)
        except Exception:  # noqa: BLE001 - reporting must never break the agent
            logger.exception("llmtrace: could not queue an action")
            return False

    def flush(self, timeout: Optional[float] = 10.0) -> bool:
        """Sends every queued action now; ``True`` when the queue drained within ``timeout``."""
        return self._reporter.flush(timeout)

    async def aflush(self, timeout: Optional[float] = 10.0) -> bool:
        """``flush()`` for async code: waits in a worker thread, not on the event loop."""
        return await asyncio.get_running_loop().run_in_executor(None, self._reporter.flush, timeout)

    def close(self, timeout: Optional[float] = 10.0) -> bool:
        """Flushes and stops accepting actions."""
        return self._reporter.close(timeout)

    @property
    def stats(self) -> ReporterStats:
        """Counts of queued, sent, failed and dropped actions."""
        return self._reporter.stats()


def _as_text(value: Any) -> Optional[str]:
    if value is None or isinstance(value, str):
        return value
    try:
        return json.dumps(value, default=str)
    except (TypeError, ValueError):
        return str(value)
