"""``agentkit serve``: where keys come from, which model answers, and what the banner says."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx2
import pytest
from click.testing import CliRunner

from agentkit.cli.serve import serve
from agentkit.exceptions import UserError
from agentkit.server import model_source
from tests.leak_watch import secret

AGENTKIT = str(Path(sys.executable).with_name("agentkit"))
_MODEL_VARIABLES = (
    "AGENTKIT_UPSTREAM_URL",
    "AZURE_OPENAI_ENDPOINT",
    "OPENAI_BASE_URL",
    "OPENAI_API_KEY",
    "AGENTKIT_API_KEYS",
)


def _environment(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in _MODEL_VARIABLES}
    return {**env, **extra}


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _status_when_up(url: str, key: str) -> int:
    deadline = time.monotonic() + 30
    while True:
        try:
            return httpx2.get(url, headers={"Authorization": f"Bearer {key}"}).status_code
        except httpx2.TransportError:
            assert time.monotonic() < deadline, "agentkit serve did not start"
            time.sleep(0.1)


def test_keys_from_the_environment_a_file_and_the_warned_flag_all_work_offline(
    tmp_path: Path,
) -> None:
    env_key, file_key, flag_key = (
        secret("sk-serve-from-env"),
        secret("sk-serve-from-file"),
        secret("sk-serve-from-flag"),
    )
    key_file = tmp_path / "keys"
    key_file.write_text(f"{file_key}=filed\n")
    port = _free_port()
    process = subprocess.Popen(
        [
            AGENTKIT,
            "serve",
            "--db",
            str(tmp_path / "a.db"),
            "--port",
            str(port),
            "--api-key-file",
            str(key_file),
            "--api-key",
            f"{flag_key}=flagged",
            "--model",
            "gpt-5.1",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=_environment(AGENTKIT_API_KEYS=f"{env_key}=team"),
    )
    url = f"http://127.0.0.1:{port}/v1/assistants"
    try:
        statuses = [_status_when_up(url, key) for key in (env_key, file_key, flag_key, "sk-no")]
    finally:
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=30)
    assert statuses == [200, 200, 200, 401]
    assert process.returncode == 0, err
    assert "--api-key puts keys on the command line" in err
    assert "model: offline TestModel" in out
    assert "no upstream: pass --upstream URL, or set AZURE_OPENAI_ENDPOINT" in out
    assert "--model gpt-5.1 is ignored offline" in out
    assert "projects: filed, flagged, team" in out


def test_without_keys_serve_exits_and_says_where_keys_come_from(tmp_path: Path) -> None:
    result = subprocess.run(
        [AGENTKIT, "serve", "--db", str(tmp_path / "a.db")],
        capture_output=True,
        text=True,
        env=_environment(),
        timeout=60,
    )
    assert result.returncode == 2
    assert "no API keys: set AGENTKIT_API_KEYS" in result.stderr


def test_help_names_the_safe_ways_to_pass_keys() -> None:
    text = " ".join(CliRunner().invoke(serve, ["--help"]).output.split())
    assert "--api-key-file PATH" in text
    assert "AGENTKIT_API_KEYS" in text
    assert "`ps` shows it to every user" in text


UPSTREAM_KEY = secret("sk-serve-upstream-key")


@pytest.mark.parametrize(
    ("upstream", "environ", "origin", "where"),
    [
        (None, {}, "offline", None),
        (None, {"OPENAI_API_KEY": UPSTREAM_KEY}, "OPENAI_API_KEY", "https://api.openai.com/v1"),
        (
            None,
            {"OPENAI_BASE_URL": "http://127.0.0.1:11434/v1"},
            "OPENAI_BASE_URL",
            "http://127.0.0.1:11434/v1",
        ),
        (
            None,
            {"OPENAI_BASE_URL": "http://local:8080/v1", "OPENAI_API_KEY": UPSTREAM_KEY},
            "OPENAI_BASE_URL",
            "http://local:8080/v1",
        ),
        (
            None,
            {
                "AZURE_OPENAI_ENDPOINT": "https://res.openai.azure.com",
                "OPENAI_API_VERSION": "2025-04-01-preview",
                "AZURE_OPENAI_API_KEY": UPSTREAM_KEY,
            },
            "AZURE_OPENAI_ENDPOINT",
            "https://res.openai.azure.com/openai",
        ),
        ("http://up:9000/v1", {"OPENAI_API_KEY": UPSTREAM_KEY}, "--upstream", "http://up:9000/v1"),
    ],
)
async def test_the_model_source_is_chosen_explicitly_and_described(
    upstream: str | None, environ: dict[str, str], origin: str, where: str | None
) -> None:
    source = model_source(upstream, environ=environ, model_override="gpt-5.1")
    if source.client is not None:
        await source.client.close()
    assert source.origin == origin
    assert source.offline is (where is None)
    if where is not None:
        assert source.description == (
            f"ResponsesModel via responses API at {where} as 'gpt-5.1' (from {origin})"
        )
    assert UPSTREAM_KEY not in source.description


def test_offline_wins_over_a_configured_upstream() -> None:
    source = model_source(None, offline=True, environ={"OPENAI_API_KEY": UPSTREAM_KEY})
    assert (source.origin, source.offline) == ("offline", True)


def test_azure_without_an_api_version_is_a_user_error() -> None:
    with pytest.raises(UserError, match="OPENAI_API_VERSION"):
        model_source(None, environ={"AZURE_OPENAI_ENDPOINT": "https://res.openai.azure.com"})
