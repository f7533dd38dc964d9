"""Typed views of the REST API's snake_case JSON.

Each dataclass lists the fields the SDK knows; ``raw`` keeps the whole JSON object, so fields a
newer proxy adds are still reachable without an SDK upgrade.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import Any, Callable, Dict, Generic, List, Mapping, Optional, TypeVar

T = TypeVar("T")


def _build(cls: Any, data: Any, nested: Optional[Mapping[str, Callable[[Any], Any]]] = None) -> Any:
    if not isinstance(data, Mapping):
        raise TypeError(f"expected a JSON object for {cls.__name__}, got {type(data).__name__}")
    names = {f.name for f in fields(cls)} - {"raw"}
    kwargs: Dict[str, Any] = {}
    for name in names:
        if name in data:
            value = data[name]
            convert = (nested or {}).get(name)
            kwargs[name] = convert(value) if convert is not None and value is not None else value
    return cls(raw=dict(data), **kwargs)


@dataclass(frozen=True)
class Finding:
    """One security finding on a span."""

    id: str = ""
    finding_type: str = ""
    severity: str = "info"
    confidence: float = 0.0
    description: str = ""
    owasp_id: Optional[str] = None
    detected_at: Optional[str] = None
    location: Optional[Dict[str, Any]] = None
    metadata: Dict[str, Any] = field(default_factory=dict)
    raw: Dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> "Finding":
        return _build(cls, data)


@dataclass(frozen=True)
class AgentAction:
    """Something an agent did: seen in the traffic (``source`` ``proxy``) or reported by an SDK."""

    action_type: str = ""
    name: str = ""
    id: Optional[str] = None
    arguments: Optional[str] = None
    result: Optional[str] = None
    duration_ms: Optional[float] = None
    started_at: Optional[str] = None
    source: Optional[str] = None
    command: Optional[str] = None
    exit_code: Optional[int] = None
    url: Optional[str] = None
    method: Optional[str] = None
    status_code: Optional[int] = None
    path: Optional[str] = None
    operation: Optional[str] = None
    raw: Dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> "AgentAction":
        return _build(cls, data)


def _findings(value: Any) -> List[Finding]:
    return [Finding.from_json(f) for f in value]


def _actions(value: Any) -> List[AgentAction]:
    return [AgentAction.from_json(a) for a in value]


@dataclass(frozen=True)
class Span:
    """One LLM call (or other operation) inside a trace."""

    span_id: str = ""
    trace_id: str = ""
    parent_span_id: Optional[str] = None
    tenant_id: str = ""
    agent_id: Optional[str] = None
    session_id: Optional[str] = None
    operation_name: str = ""
    start_time: Optional[str] = None
    end_time: Optional[str] = None
    duration_ms: Optional[float] = None
    provider: str = ""
    model_name: Optional[str] = None
    prompt: str = ""
    response: Optional[str] = None
    prompt_tokens: Optional[int] = None
    completion_tokens: Optional[int] = None
    total_tokens: Optional[int] = None
    time_to_first_token_ms: Optional[float] = None
    status_code: Optional[int] = None
    error_message: Optional[str] = None
    security_score: Optional[int] = None
    security_findings: List[Finding] = field(default_factory=list)
    estimated_cost_usd: Optional[float] = None
    tags: Dict[str, str] = field(default_factory=dict)
    agent_actions: List[AgentAction] = field(default_factory=list)
    raw: Dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> "Span":
        return _build(
            cls, data, {"security_findings": _findings, "agent_actions": _actions}
        )


@dataclass(frozen=True)
class Trace:
    """The spans of one agent run or request."""

    trace_id: str = ""
    tenant_id: str = ""
    created_at: Optional[str] = None
    session_id: Optional[str] = None
    spans: List[Span] = field(default_factory=list)
    raw: Dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> "Trace":
        return _build(cls, data, {"spans": lambda v: [Span.from_json(s) for s in v]})


@dataclass(frozen=True)
class Page(Generic[T]):
    """One page of a list: ``items`` plus the ``total`` matching and the window asked for."""

    items: List[T]
    total: int
    limit: int
    offset: int


@dataclass(frozen=True)
class CostWindow:
    """Spend against one budget window (hourly, daily, weekly, monthly)."""

    window: str = ""
    scope: str = ""
    spent_usd: float = 0.0
    hard_limit_usd: Optional[float] = None
    soft_limit_usd: Optional[float] = None
    remaining_usd: Optional[float] = None
    period_start: Optional[str] = None
    resets_at: Optional[str] = None
    source: Optional[str] = None
    raw: Dict[str, Any] = field(default_factory=dict, repr=False, compare=False)


@dataclass(frozen=True)
class CostReport:
    """``GET /api/v1/costs/current``."""

    tenant_id: str = ""
    agent_id: Optional[str] = None
    windows: List[CostWindow] = field(default_factory=list)
    raw: Dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> "CostReport":
        return _build(cls, data, {"windows": lambda v: [_build(CostWindow, w) for w in v]})


@dataclass(frozen=True)
class ActionsSummary:
    """``GET /api/v1/actions/summary``: counts per action type and name, findings per type, top
    domains and commands over a time range. The exact breakdowns are in ``raw``."""

    total: Optional[int] = None
    by_type: Dict[str, Any] = field(default_factory=dict)
    by_name: Any = None
    findings_by_type: Dict[str, Any] = field(default_factory=dict)
    top_domains: Any = None
    top_commands: Any = None
    raw: Dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> "ActionsSummary":
        return _build(cls, data)
