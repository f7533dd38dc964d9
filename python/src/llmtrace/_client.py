"""``LLMTraceClient``: a small typed client for the proxy's REST API (``/api/v1``)."""

from __future__ import annotations

import urllib.parse
from typing import Any, Dict, List, Mapping, Optional

from ._config import Settings, resolve_settings
from ._http import request_json
from .models import ActionsSummary, AgentAction, CostReport, Page, Span, Trace


def _page(body: Any, item: Any) -> Page[Any]:
    return Page(
        items=[item(x) for x in body.get("items", [])],
        total=int(body.get("total", 0)),
        limit=int(body.get("limit", 0)),
        offset=int(body.get("offset", 0)),
    )


def _segment(value: str) -> str:
    return urllib.parse.quote(value, safe="")


class LLMTraceClient:
    """Reads traces, spans, findings, costs and actions; raises ``LLMTraceAPIError`` on 4xx/5xx.

    Filters are the API's query parameters (``agent_id``, ``model``, ``provider``, ``session_id``,
    ``min_score``…); ``since``/``until`` map to ``from``/``to`` (ISO-8601 strings).

    Example::

        api = llmtrace.LLMTraceClient("http://127.0.0.1:8080")
        for span in api.list_spans(agent_id="support-bot", limit=10).items:
            print(span.model_name, span.total_tokens, span.estimated_cost_usd)
    """

    def __init__(
        self,
        proxy_url: Optional[str] = None,
        *,
        api_key: Optional[str] = None,
        tenant_id: Optional[str] = None,
        timeout: Optional[float] = None,
        settings: Optional[Settings] = None,
    ) -> None:
        self.settings = resolve_settings(
            settings, proxy_url=proxy_url, api_key=api_key, tenant_id=tenant_id, timeout=timeout
        )

    def _get(self, path: str, query: Optional[Mapping[str, Any]] = None) -> Any:
        return request_json(self.settings, "GET", path, query=query)

    @staticmethod
    def _filters(
        since: Optional[str], until: Optional[str], limit: int, offset: int, extra: Mapping[str, Any]
    ) -> Dict[str, Any]:
        return {"from": since, "to": until, "limit": limit, "offset": offset, **extra}

    def list_traces(
        self,
        *,
        since: Optional[str] = None,
        until: Optional[str] = None,
        limit: int = 50,
        offset: int = 0,
        **filters: Any,
    ) -> Page[Trace]:
        """``GET /api/v1/traces``, newest first."""
        body = self._get("/api/v1/traces", self._filters(since, until, limit, offset, filters))
        return _page(body, Trace.from_json)

    def get_trace(self, trace_id: str) -> Trace:
        """``GET /api/v1/traces/{trace_id}`` with its spans."""
        return Trace.from_json(self._get(f"/api/v1/traces/{_segment(trace_id)}"))

    def list_spans(
        self,
        *,
        since: Optional[str] = None,
        until: Optional[str] = None,
        limit: int = 50,
        offset: int = 0,
        **filters: Any,
    ) -> Page[Span]:
        """``GET /api/v1/spans``, newest first."""
        body = self._get("/api/v1/spans", self._filters(since, until, limit, offset, filters))
        return _page(body, Span.from_json)

    def get_span(self, span_id: str) -> Span:
        """``GET /api/v1/spans/{span_id}``."""
        return Span.from_json(self._get(f"/api/v1/spans/{_segment(span_id)}"))

    def list_findings(
        self,
        *,
        since: Optional[str] = None,
        until: Optional[str] = None,
        limit: int = 50,
        offset: int = 0,
        **filters: Any,
    ) -> Page[Span]:
        """``GET /api/v1/security/findings``: the spans that carry findings (filters
        ``finding_type``, ``severity``), each with its ``security_findings``."""
        body = self._get(
            "/api/v1/security/findings", self._filters(since, until, limit, offset, filters)
        )
        return _page(body, Span.from_json)

    def current_costs(self, *, agent_id: Optional[str] = None) -> CostReport:
        """``GET /api/v1/costs/current``: spend, limit and reset time per budget window."""
        return CostReport.from_json(self._get("/api/v1/costs/current", {"agent_id": agent_id}))

    def actions_summary(
        self, *, since: Optional[str] = None, until: Optional[str] = None, **filters: Any
    ) -> ActionsSummary:
        """``GET /api/v1/actions/summary``: actions per type and name, findings, top domains and
        commands over a time range."""
        query = {"from": since, "to": until, **filters}
        return ActionsSummary.from_json(self._get("/api/v1/actions/summary", query))

    def report_actions(
        self, trace_id: str, actions: List[Mapping[str, Any]]
    ) -> List[AgentAction]:
        """``POST /api/v1/traces/{trace_id}/actions`` right away (unlike the tracer, this raises)."""
        body = request_json(
            self.settings,
            "POST",
            f"/api/v1/traces/{_segment(trace_id)}/actions",
            body={"actions": list(actions)},
        )
        items = body.get("actions", body.get("items", [])) if isinstance(body, dict) else body
        return [AgentAction.from_json(a) for a in items or []]
