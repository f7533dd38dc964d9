"""A tiny JSON-over-HTTP helper on ``urllib`` (the SDK has no third-party dependencies)."""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request
from typing import Any, Mapping, Optional

from ._config import Settings

USER_AGENT = "llmtrace-python/0.1.0"


class LLMTraceError(Exception):
    """Base class of the SDK's errors (raised by ``LLMTraceClient``, never by instrumentation)."""


class LLMTraceAPIError(LLMTraceError):
    """The API answered with an error status; ``code`` and ``request_id`` come from its body.

    Example::

        try:
            client.get_trace("nope")
        except LLMTraceAPIError as error:
            assert error.status == 404
    """

    def __init__(self, status: int, code: str, message: str, request_id: Optional[str]) -> None:
        super().__init__(f"{status} {code}: {message}")
        self.status = status
        self.code = code
        self.message = message
        self.request_id = request_id


class LLMTraceConnectionError(LLMTraceError):
    """The proxy could not be reached (refused, DNS, timeout)."""


def _error_from_body(status: int, raw: bytes) -> LLMTraceAPIError:
    try:
        body = json.loads(raw.decode("utf-8"))
        error = body.get("error", {}) if isinstance(body, dict) else {}
        if isinstance(error, dict):
            return LLMTraceAPIError(
                status,
                str(error.get("code", "HTTP_ERROR")),
                str(error.get("message", "")),
                error.get("request_id"),
            )
    except (ValueError, UnicodeDecodeError):
        pass  # Not our JSON error envelope (e.g. an HTML page from a load balancer).
    return LLMTraceAPIError(status, "HTTP_ERROR", raw[:200].decode("utf-8", "replace"), None)


def build_url(base: str, path: str, query: Optional[Mapping[str, Any]] = None) -> str:
    """``base`` + ``path`` with the non-``None`` query values encoded (booleans as true/false)."""
    url = base.rstrip("/") + path
    if query:
        pairs = []
        for key, value in query.items():
            if value is None:
                continue
            if isinstance(value, bool):
                value = "true" if value else "false"
            pairs.append((key, str(value)))
        if pairs:
            url += "?" + urllib.parse.urlencode(pairs)
    return url


def request_json(
    settings: Settings,
    method: str,
    path: str,
    *,
    query: Optional[Mapping[str, Any]] = None,
    body: Optional[Any] = None,
) -> Any:
    """Sends one request to the proxy's REST API and returns the parsed JSON body.

    Raises ``LLMTraceAPIError`` for 4xx/5xx answers and ``LLMTraceConnectionError`` when the proxy
    cannot be reached.
    """
    headers = {"Accept": "application/json", "User-Agent": USER_AGENT}
    headers.update(settings.identity_headers())
    # The API reads the tenant from the key; the agent header means nothing there.
    headers.pop("X-LLMTrace-Agent-ID", None)
    data = None
    if body is not None:
        data = json.dumps(body).encode("utf-8")
        headers["Content-Type"] = "application/json"
    request = urllib.request.Request(
        build_url(settings.proxy_url, path, query), data=data, headers=headers, method=method
    )
    try:
        with urllib.request.urlopen(request, timeout=settings.timeout) as response:
            raw = response.read()
    except urllib.error.HTTPError as error:
        raw = error.read()
        error.close()
        raise _error_from_body(error.code, raw) from None
    except (urllib.error.URLError, OSError) as error:
        raise LLMTraceConnectionError(f"cannot reach {settings.proxy_url}: {error}") from error
    if not raw:
        return None
    try:
        return json.loads(raw.decode("utf-8"))
    except ValueError as error:
        raise LLMTraceError(f"{method} {path}: the answer is not JSON") from error
