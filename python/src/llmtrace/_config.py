"""SDK settings: ``configure()`` arguments over ``LLMTRACE_*`` environment variables over defaults."""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass, replace
from typing import Mapping, Optional

DEFAULT_PROXY_URL = "http://127.0.0.1:8080"

# Environment variable → Settings field. Read once per configure() call, never per request.
ENV_VARS: Mapping[str, str] = {
    "LLMTRACE_PROXY_URL": "proxy_url",
    "LLMTRACE_API_KEY": "api_key",
    "LLMTRACE_TENANT_ID": "tenant_id",
    "LLMTRACE_AGENT_ID": "agent_id",
    "LLMTRACE_SESSION_ID": "session_id",
}


@dataclass(frozen=True)
class Settings:
    """Where the proxy is and who the calls belong to.

    ``api_key`` is an LLMTrace key (sent as ``X-LLMTrace-Key``), never a provider key.

    Example::

        Settings(proxy_url="http://127.0.0.1:8080", tenant_id="acme", agent_id="planner")
    """

    proxy_url: str = DEFAULT_PROXY_URL
    api_key: Optional[str] = None
    tenant_id: Optional[str] = None
    agent_id: Optional[str] = None
    session_id: Optional[str] = None
    timeout: float = 10.0

    def with_overrides(self, **overrides: Optional[object]) -> "Settings":
        """A copy with every non-``None`` override applied."""
        given = {k: v for k, v in overrides.items() if v is not None}
        return replace(self, **given) if given else self  # type: ignore[arg-type]

    def identity_headers(self) -> dict:
        """The ``X-LLMTrace-*`` headers these settings imply (session excluded: it may vary)."""
        headers = {}
        if self.api_key:
            headers["X-LLMTrace-Key"] = self.api_key
        if self.tenant_id:
            headers["X-LLMTrace-Tenant-ID"] = self.tenant_id
        if self.agent_id:
            headers["X-LLMTrace-Agent-ID"] = self.agent_id
        return headers


def _validate(settings: Settings) -> Settings:
    url = settings.proxy_url.rstrip("/")
    if not (url.startswith("http://") or url.startswith("https://")):
        raise ValueError(
            f"llmtrace: proxy_url must start with http:// or https:// (got {settings.proxy_url!r})"
        )
    if settings.timeout <= 0:
        raise ValueError(f"llmtrace: timeout must be positive (got {settings.timeout!r})")
    return replace(settings, proxy_url=url)


def settings_from_env(env: Optional[Mapping[str, str]] = None) -> Settings:
    """Settings from ``LLMTRACE_*`` variables (``os.environ`` by default) over the defaults."""
    source = os.environ if env is None else env
    values = {field: source[name] for name, field in ENV_VARS.items() if source.get(name)}
    return _validate(Settings(**values))


_lock = threading.Lock()
_settings: Optional[Settings] = None


def configure(
    proxy_url: Optional[str] = None,
    *,
    api_key: Optional[str] = None,
    tenant_id: Optional[str] = None,
    agent_id: Optional[str] = None,
    session_id: Optional[str] = None,
    timeout: Optional[float] = None,
    env: Optional[Mapping[str, str]] = None,
) -> Settings:
    """Sets the process-wide defaults used by ``instrument``, ``LLMSecTracer`` and ``LLMTraceClient``.

    Arguments left out come from ``LLMTRACE_PROXY_URL``, ``LLMTRACE_API_KEY``,
    ``LLMTRACE_TENANT_ID``, ``LLMTRACE_AGENT_ID`` and ``LLMTRACE_SESSION_ID``, then the defaults.
    Raises ``ValueError`` for a malformed URL or timeout (a configuration bug, found at start).

    Example::

        import llmtrace
        llmtrace.configure("http://127.0.0.1:8080", tenant_id="acme", agent_id="support-bot")
    """
    global _settings
    settings = _validate(
        settings_from_env(env).with_overrides(
            proxy_url=proxy_url,
            api_key=api_key,
            tenant_id=tenant_id,
            agent_id=agent_id,
            session_id=session_id,
            timeout=timeout,
        )
    )
    with _lock:
        _settings = settings
    return settings


def get_settings() -> Settings:
    """The settings from the last ``configure()``, or from the environment when never called."""
    global _settings
    with _lock:
        if _settings is None:
            _settings = settings_from_env()
        return _settings


def resolve_settings(settings: Optional[Settings] = None, **overrides: Optional[object]) -> Settings:
    """``settings`` (or the global ones) with per-object overrides applied and validated."""
    base = settings if settings is not None else get_settings()
    return _validate(base.with_overrides(**overrides))
