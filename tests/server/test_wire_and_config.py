"""Spec-enum mapping of engine values; API key configuration."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from agentkit.exceptions import UserError
from agentkit.records import IncompleteDetails, LastError, Run
from agentkit.server import ServerConfig, offline_model_factory, parse_api_keys
from agentkit.server.wire import run_wire, spec_incomplete_reason, spec_last_error


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("server_error", {"code": "server_error", "message": "m"}),
        ("rate_limit_exceeded", {"code": "rate_limit_exceeded", "message": "m"}),
        ("insufficient_quota", {"code": "rate_limit_exceeded", "message": "m"}),
        ("invalid_prompt", {"code": "invalid_prompt", "message": "m"}),
        ("tool_error", {"code": "server_error", "message": "[tool_error] m"}),
        ("stream_interrupted", {"code": "server_error", "message": "[stream_interrupted] m"}),
    ],
)
def test_last_error_codes_stay_inside_the_spec_enum(code: str, expected: dict[str, str]) -> None:
    assert spec_last_error(LastError(code=code, message="m")) == expected


@pytest.mark.parametrize(
    ("reason", "expected"),
    [
        ("max_prompt_tokens", "max_prompt_tokens"),
        ("max_input_tokens", "max_prompt_tokens"),
        ("max_completion_tokens", "max_completion_tokens"),
        ("max_output_tokens", "max_completion_tokens"),
        ("max_turns", "max_completion_tokens"),
        ("content_filter", "max_completion_tokens"),
    ],
)
def test_incomplete_reasons_stay_inside_the_spec_enum(reason: str, expected: str) -> None:
    assert spec_incomplete_reason(reason) == expected


def test_run_wire_maps_reason_and_hides_usage_until_the_run_ends() -> None:
    run = Run(
        thread_id="t",
        assistant_id="a",
        status="incomplete",
        incomplete_details=IncompleteDetails(reason="max_turns"),
    )
    paused = Run(
        thread_id="t", assistant_id="a", status="requires_action", usage={"total_tokens": 3}
    )
    assert run_wire(run)["incomplete_details"] == {"reason": "max_completion_tokens"}
    assert run_wire(paused)["usage"] is None


def test_api_keys_come_from_flags_and_the_environment() -> None:
    keys = parse_api_keys(["sk-a=alpha", "sk-b"], environ={"AGENTKIT_API_KEYS": "sk-c=gamma"})
    assert keys == {"sk-a": "alpha", "sk-b": "default", "sk-c": "gamma"}


def test_api_keys_come_from_a_json_file(tmp_path: Path) -> None:
    path = tmp_path / "keys.json"
    path.write_text(json.dumps({"sk-a": "alpha"}))
    assert parse_api_keys([], environ={"AGENTKIT_API_KEYS": f"@{path}"}) == {"sk-a": "alpha"}


@pytest.mark.parametrize("content", ["[1]", "{not json", '{"sk": 1}'])
def test_a_malformed_keys_file_is_a_user_error(tmp_path: Path, content: str) -> None:
    path = tmp_path / "keys.json"
    path.write_text(content)
    with pytest.raises(UserError, match="API key file"):
        parse_api_keys([], environ={"AGENTKIT_API_KEYS": f"@{path}"})


def test_api_keys_come_from_a_key_file_of_lines(tmp_path: Path) -> None:
    path = tmp_path / "keys"
    path.write_text("# the team's keys\nsk-a=alpha\n\n  sk-b  \n")
    keys = parse_api_keys(environ={"AGENTKIT_API_KEYS": "sk-c=gamma"}, key_file=path)
    assert keys == {"sk-c": "gamma", "sk-a": "alpha", "sk-b": "default"}


def test_a_key_file_entry_without_a_key_is_named_by_position_not_content(tmp_path: Path) -> None:
    path = tmp_path / "keys"
    path.write_text("sk-a=alpha\n=beta-secret-project\n")
    with pytest.raises(UserError, match=r"entry 2 has an empty key") as raised:
        parse_api_keys(environ={}, key_file=path)
    assert "beta-secret-project" not in str(raised.value)


def test_a_server_without_keys_is_refused() -> None:
    with pytest.raises(UserError, match="at least one API key"):
        ServerConfig(db_path="x.db", api_keys={}, model_factory=offline_model_factory)


@pytest.mark.parametrize("ttl", [0, 1, -5])
def test_a_lease_ttl_of_a_second_or_less_is_refused(ttl: float) -> None:
    with pytest.raises(UserError, match="lease_ttl must be more than 1 second"):
        ServerConfig(
            db_path="x.db", api_keys={"k": "p"}, model_factory=offline_model_factory, lease_ttl=ttl
        )
