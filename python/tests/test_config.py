"""configure(): arguments over LLMTRACE_* variables over defaults; traceparent parsing."""

from __future__ import annotations

import pytest

import llmtrace


def test_environment_fills_what_arguments_leave_out():
    env = {"LLMTRACE_PROXY_URL": "http://proxy:8080/", "LLMTRACE_AGENT_ID": "from-env"}
    settings = llmtrace.configure(agent_id=None, tenant_id="acme", env=env)
    try:
        assert settings.proxy_url == "http://proxy:8080"
        assert settings.agent_id == "from-env"
        assert settings.tenant_id == "acme"
        assert llmtrace.get_settings() is settings
    finally:
        llmtrace.configure(env={})


def test_a_bad_proxy_url_is_a_clear_error():
    with pytest.raises(ValueError, match="proxy_url must start with http"):
        llmtrace.configure("127.0.0.1:8080", env={})


@pytest.mark.parametrize(
    "value",
    [
        "",
        "garbage",
        "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7",
        "ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
        "00-00000000000000000000000000000000-00f067aa0ba902b7-01",
        "00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01",
        "00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01",
    ],
)
def test_invalid_traceparent_values_are_ignored(value):
    assert llmtrace.parse_traceparent(value) is None


def test_a_valid_traceparent_is_parsed():
    parsed = llmtrace.parse_traceparent("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00")
    assert parsed.trace_id == "4bf92f3577b34da6a3ce929d0e0e4736"
    assert parsed.parent_id == "00f067aa0ba902b7"
    assert parsed.sampled is False


@pytest.mark.parametrize(
    "base, expected",
    [
        ("https://api.openai.com/v1/", "http://proxy:8080/v1/"),
        ("https://api.anthropic.com", "http://proxy:8080"),
        ("http://proxy:8080/v1/", "http://proxy:8080/v1/"),
    ],
)
def test_rebase_url_keeps_the_api_path(base, expected):
    from llmtrace._instrument import rebase_url

    assert rebase_url(base, "http://proxy:8080") == expected


def test_rebase_url_does_not_stack_a_proxy_path_prefix():
    from llmtrace._instrument import rebase_url

    once = rebase_url("https://api.openai.com/v1", "http://gw/llmtrace")
    assert once == "http://gw/llmtrace/v1"
    assert rebase_url(once, "http://gw/llmtrace") == once
