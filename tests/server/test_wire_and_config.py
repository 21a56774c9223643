"""Spec-enum mapping of engine values; API key configuration; the CLI command."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx2
import pytest

from agentkit.exceptions import UserError
from agentkit.records import IncompleteDetails, LastError, Run
from agentkit.server import ServerConfig, parse_api_keys
from agentkit.server.wire import run_wire, spec_incomplete_reason, spec_last_error

AGENTKIT = str(Path(sys.executable).with_name("agentkit"))


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
    with pytest.raises(UserError, match="AGENTKIT_API_KEYS file"):
        parse_api_keys([], environ={"AGENTKIT_API_KEYS": f"@{path}"})


def test_a_server_without_keys_is_refused() -> None:
    with pytest.raises(UserError, match="at least one API key"):
        ServerConfig(db_path="x.db", api_keys={})


def test_agentkit_serve_starts_offline_and_answers_with_the_key(tmp_path: Path) -> None:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    env = {**os.environ, "AGENTKIT_API_KEYS": "sk-env=team"}
    env.pop("AGENTKIT_UPSTREAM_URL", None)
    process = subprocess.Popen(
        [AGENTKIT, "serve", "--db", str(tmp_path / "a.db"), "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=env,
    )
    try:
        response = _get_when_up(f"http://127.0.0.1:{port}/v1/assistants", "sk-env")
    finally:
        process.send_signal(signal.SIGINT)
        output, _ = process.communicate(timeout=30)
    assert response.json() == {
        "object": "list",
        "data": [],
        "first_id": None,
        "last_id": None,
        "has_more": False,
    }
    assert "answering offline with TestModel" in output
    assert "projects: team" in output


def _get_when_up(url: str, key: str) -> httpx2.Response:
    deadline = time.monotonic() + 30
    while True:
        try:
            return httpx2.get(url, headers={"Authorization": f"Bearer {key}"})
        except httpx2.TransportError:
            assert time.monotonic() < deadline, "agentkit serve did not start"
            time.sleep(0.1)


def test_agentkit_serve_without_keys_exits_with_an_error(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "AGENTKIT_API_KEYS"}
    result = subprocess.run(
        [AGENTKIT, "serve", "--db", str(tmp_path / "a.db")],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert result.returncode == 2
    assert "no API keys" in result.stderr
