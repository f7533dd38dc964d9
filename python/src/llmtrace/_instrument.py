"""``instrument(client)``: route an OpenAI or Anthropic client through the proxy.

Duck-typed: the SDK never imports ``openai`` or ``anthropic``. Both official Python clients are
generated from the same template and expose ``base_url`` (a settable property) and
``_prepare_request(request)``, a hook the client calls on every outgoing request after building it
(sync for ``OpenAI``/``Anthropic``, a coroutine for ``AsyncOpenAI``/``AsyncAnthropic``). Wrapping that
hook per instance is what lets the ``traceparent`` header follow the *current* trace scope instead of
being frozen when the client was created.
"""

from __future__ import annotations

import functools
import inspect
import logging
import urllib.parse
from typing import Any, Callable, Dict, Optional, TypeVar

from ._config import Settings, resolve_settings
from ._context import get_current_span

logger = logging.getLogger("llmtrace")

ClientT = TypeVar("ClientT")

_MARK = "_llmtrace_settings"


def rebase_url(base_url: str, proxy_url: str) -> str:
    """The client's base URL with its origin replaced by the proxy's, keeping the API path.

    Example::

        rebase_url("https://api.openai.com/v1/", "http://127.0.0.1:8080")  # 'http://127.0.0.1:8080/v1/'
        rebase_url("https://api.anthropic.com", "http://127.0.0.1:8080")   # 'http://127.0.0.1:8080'
    """
    base = urllib.parse.urlsplit(base_url)
    proxy = urllib.parse.urlsplit(proxy_url)
    proxy_path = proxy.path.rstrip("/")
    path = base.path
    # Instrumenting twice (or a client already aimed at the proxy) must not stack path prefixes.
    if proxy_path and path.startswith(proxy_path + "/"):
        path = path[len(proxy_path) :]
    return urllib.parse.urlunsplit((proxy.scheme, proxy.netloc, proxy_path + path, base.query, ""))


def trace_headers(settings: Settings) -> Dict[str, str]:
    """The LLMTrace headers for a call made now: identity, session and the active trace scope."""
    headers = settings.identity_headers()
    span = get_current_span()
    session_id = (span.session_id if span is not None else None) or settings.session_id
    if session_id:
        headers["X-LLMTrace-Session-ID"] = session_id
    if span is not None:
        headers["traceparent"] = span.traceparent
        if span.tracestate:
            headers["tracestate"] = span.tracestate
    return headers


def _apply(request: Any, settings: Settings) -> None:
    try:
        existing = request.headers
        for name, value in trace_headers(settings).items():
            # Headers the caller set on this request (extra_headers=...) win over the defaults.
            if name not in existing:
                existing[name] = value
    except Exception:  # noqa: BLE001 - observability must never break the user's call
        logger.warning("llmtrace: could not add trace headers to a request", exc_info=True)


def instrument(
    client: ClientT,
    *,
    proxy_url: Optional[str] = None,
    api_key: Optional[str] = None,
    tenant_id: Optional[str] = None,
    agent_id: Optional[str] = None,
    session_id: Optional[str] = None,
    settings: Optional[Settings] = None,
) -> ClientT:
    """Points an ``openai.OpenAI``/``AsyncOpenAI`` or ``anthropic.Anthropic``/``AsyncAnthropic``
    client at the LLMTrace proxy and adds the tenant, agent, session and ``traceparent`` headers to
    each call. Returns the same client object (calling it twice only updates the settings).

    Raises ``TypeError`` when ``client`` has no ``base_url`` (not an OpenAI/Anthropic client).

    Example::

        import openai, llmtrace
        client = llmtrace.instrument(openai.OpenAI(), agent_id="support-bot")
    """
    resolved = resolve_settings(
        settings,
        proxy_url=proxy_url,
        api_key=api_key,
        tenant_id=tenant_id,
        agent_id=agent_id,
        session_id=session_id,
    )
    if not hasattr(client, "base_url"):
        raise TypeError(
            "llmtrace.instrument() expects an OpenAI or Anthropic client "
            f"(an object with base_url); got {type(client).__name__}"
        )
    client.base_url = rebase_url(str(getattr(client, "base_url")), resolved.proxy_url)  # type: ignore[attr-defined]

    already = getattr(client, _MARK, None) is not None
    setattr(client, _MARK, resolved)
    if already:
        return client

    def current() -> Settings:
        return getattr(client, _MARK)

    original: Optional[Callable[..., Any]] = getattr(client, "_prepare_request", None)
    if original is None:
        # A client without the per-request hook still gets the static headers; the trace scope
        # cannot follow it, so say so once instead of silently losing the grouping.
        custom = getattr(client, "_custom_headers", None)
        if isinstance(custom, dict):
            custom.update(resolved.identity_headers())
        logger.warning(
            "llmtrace: %s has no _prepare_request hook; trace/span grouping is not applied to it",
            type(client).__name__,
        )
        return client

    if inspect.iscoroutinefunction(original):

        @functools.wraps(original)
        async def prepare_async(request: Any) -> Any:
            result = await original(request)
            _apply(request, current())
            return result

        setattr(client, "_prepare_request", prepare_async)
    else:

        @functools.wraps(original)
        def prepare(request: Any) -> Any:
            result = original(request)
            _apply(request, current())
            return result

        setattr(client, "_prepare_request", prepare)
    return client
