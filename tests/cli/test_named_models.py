"""The CLI with an agent whose model is given by name."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from agentkit.cli.app import cli
from agentkit.testing import FakeOpenAI
from tests.leak_watch import secret

TARGET = str(Path(__file__).with_name("agents.py")) + ":by_name"
KEY = secret("sk-cli-by-name-0123")


@pytest.fixture
def bare(monkeypatch: pytest.MonkeyPatch) -> Iterator[pytest.MonkeyPatch]:
    for name in ("OPENAI_API_KEY", "OPENAI_BASE_URL", "AZURE_OPENAI_ENDPOINT", "AGENTKIT_MODEL"):
        monkeypatch.delenv(name, raising=False)
    yield monkeypatch


def test_offline_runs_a_named_agent_without_any_key(
    bare: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    result = CliRunner().invoke(
        cli, ["run", TARGET, "Weather?", "--offline", "--db", str(tmp_path / "t.db")]
    )

    assert result.exit_code == 0, result.output
    assert "offline (--offline)" in result.stderr


def test_without_a_key_a_named_agent_says_what_is_missing_and_the_way_out(
    bare: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    result = CliRunner().invoke(cli, ["run", TARGET, "Weather?", "--db", str(tmp_path / "t.db")])

    assert result.exit_code == 1
    assert "model='gpt-4.1-mini' needs OPENAI_API_KEY" in result.stderr
    assert "--offline" in result.stderr


def test_a_named_agent_runs_its_own_model_on_the_configured_server(
    bare: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    fake = FakeOpenAI(["It is sunny."])
    with fake.serve_in_thread() as url:
        bare.setenv("OPENAI_BASE_URL", url)
        bare.setenv("OPENAI_API_KEY", KEY)
        result = CliRunner().invoke(
            cli, ["run", TARGET, "Weather?", "--db", str(tmp_path / "t.db")]
        )

    assert result.exit_code == 0, result.output
    assert "It is sunny." in result.stdout
    assert fake.requests[0].body["model"] == "gpt-4.1-mini"
