"""``agentkit threads list|show``: what the SQLite store holds."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from agentkit import Runner
from agentkit.cli.app import cli
from agentkit.cli.loading import load_agent
from agentkit.stores import SQLiteStore

from .conftest import AGENTS


def threads(*args: str) -> Result:
    return CliRunner().invoke(cli, ["threads", *args])


@pytest.fixture
async def thread_id(db: Path) -> str:
    agent = load_agent(f"{AGENTS}:weather")
    async with Runner(SQLiteStore(db)) as runner:
        first = await runner.run(agent, "hello")
        await runner.run(agent, "weather in Oslo?", thread=first.thread_id)
        return first.thread_id


def test_list_shows_each_thread_with_its_first_message_and_last_run(
    db: Path, thread_id: str
) -> None:
    result = threads("list", "--db", str(db))

    assert result.exit_code == 0
    row = result.stdout.splitlines()[1].split()
    assert row[0] == thread_id
    assert row[3:] == ["4", "completed", "hello"]


def test_show_prints_messages_runs_and_tool_calls_with_outputs_and_durations(
    db: Path, thread_id: str
) -> None:
    result = threads("show", thread_id, "--db", str(db))

    assert result.exit_code == 0
    lines = [line.strip(" │├└─") for line in result.stdout.splitlines()]
    assert lines[1] == "user › hello"
    assert lines[2].startswith("run run_") and " completed  model function" in lines[2]
    assert lines[3] == "assistant › Echo: hello (message 1)"
    assert lines[4] == "user › weather in Oslo?"
    assert lines[6] == "tool calls (completed)"
    assert lines[7].startswith('get_weather(city="Oslo") → Sunny in Oslo  ')
    assert lines[7].endswith(" ms")
    assert lines[8] == "assistant › Result: Sunny in Oslo"


def test_show_json_has_the_thread_its_messages_and_runs_with_steps(
    db: Path, thread_id: str
) -> None:
    result = threads("show", thread_id, "--db", str(db), "--json")

    data = json.loads(result.stdout)
    assert data["thread"]["id"] == thread_id
    assert [m["role"] for m in data["messages"]] == ["user", "assistant", "user", "assistant"]
    assert [[s["type"] for s in run["steps"]] for run in data["runs"]] == [
        ["message_creation"],
        ["tool_calls", "message_creation"],
    ]
    call = data["runs"][1]["steps"][0]["step_details"]["tool_calls"][0]
    assert call["function"] == {
        "name": "get_weather",
        "arguments": '{"city": "Oslo"}',
        "output": "Sunny in Oslo",
    }
    assert call["error"] is None


def test_show_an_unknown_thread_is_one_line_and_exit_1(db: Path, thread_id: str) -> None:
    result = threads("show", "thread_nope", "--db", str(db))

    assert result.exit_code == 1
    assert result.stderr == f"agentkit: error: no thread 'thread_nope' in '{db}'\n"


def test_a_missing_database_is_reported_not_created(tmp_path: Path) -> None:
    missing = tmp_path / "missing.db"

    result = threads("list", "--db", str(missing))

    assert result.exit_code == 1
    assert result.stderr.startswith(f"agentkit: error: no database at '{missing}'")
    assert not missing.exists()


def test_the_db_comes_from_agentkit_db(
    db: Path, thread_id: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AGENTKIT_DB", str(db))

    result = threads("list")

    assert thread_id in result.stdout
