"""``agentkit run``: one run, the answer on stdout, events as JSON lines, exit codes."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner, Result

from agentkit.cli.app import cli

from .conftest import AGENTS

ROOT = Path(__file__).resolve().parents[2]
AGENTKIT = Path(sys.executable).with_name("agentkit")


def run(*args: str) -> Result:
    return CliRunner().invoke(cli, ["run", *args])


def test_the_answer_goes_to_stdout_and_tool_calls_to_stderr(db: Path) -> None:
    result = run(f"{AGENTS}:weather", "weather in Oslo?", "--db", str(db))

    assert result.exit_code == 0
    assert result.stdout == "Result: Sunny in Oslo\n"
    assert '→ get_weather(city="Oslo")' in result.stderr
    assert "✓ get_weather → Sunny in Oslo" in result.stderr
    assert " completed · thread thread_" in result.stderr


def test_an_offline_agent_says_so_on_stderr(db: Path) -> None:
    result = run(f"{AGENTS}:weather", "hi", "--db", str(db))

    assert result.stderr.startswith(
        "agentkit: offline, no model API configured: using FunctionModel(script)."
    )


def test_json_prints_one_event_object_per_line(db: Path) -> None:
    result = run(f"{AGENTS}:weather", "weather in Oslo?", "--db", str(db), "--json")

    assert result.exit_code == 0
    events = [json.loads(line) for line in result.stdout.splitlines()]
    assert [event["kind"] for event in events] == [
        "run.status",
        "run.status",
        "usage",
        "step.created",
        "tool_call.started",
        "tool_call.finished",
        "step.completed",
        "step.created",
        "message.created",
        "text.delta",
        "text.delta",
        "usage",
        "message.completed",
        "step.completed",
        "run.status",
    ]
    finished = events[5]
    assert finished["output"] == "Sunny in Oslo"
    assert finished["arguments"] == '{"city": "Oslo"}'
    assert events[-1]["run"]["status"] == "completed"
    assert events[6]["step"]["step_details"]["tool_calls"][0]["duration_ms"] >= 0


def test_thread_continues_a_conversation_kept_in_the_db(db: Path) -> None:
    first = run(f"{AGENTS}:weather", "hello", "--db", str(db), "--json")
    thread_id = json.loads(first.stdout.splitlines()[0])["run"]["thread_id"]

    second = run(f"{AGENTS}:weather", "again", "--db", str(db), "--thread", thread_id)

    assert second.stdout == "Echo: again (message 2)\n"


def test_an_unknown_thread_is_one_line_and_exit_1(db: Path) -> None:
    result = run(f"{AGENTS}:weather", "hi", "--db", str(db), "--thread", "thread_nope")

    assert result.exit_code == 1
    assert result.stderr.splitlines()[-1] == f"agentkit: error: no thread 'thread_nope' in '{db}'"


def test_a_bad_target_is_one_line_and_exit_1(db: Path) -> None:
    result = run(f"{AGENTS}:not_an_agent", "hi", "--db", str(db))

    assert result.exit_code == 1
    assert (
        result.stderr
        == f"agentkit: error: '{AGENTS}:not_an_agent' is an int, not an agentkit Agent\n"
    )


def test_an_async_factory_is_one_line_without_a_never_awaited_warning(db: Path) -> None:
    # A fresh interpreter: the warning would come from the garbage collector, after the error.
    done = subprocess.run(
        [str(AGENTKIT), "run", f"{AGENTS}:make_agent_later", "hi", "--db", str(db)],
        capture_output=True,
        text=True,
        timeout=60,
        env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT), "HOME": str(db.parent)},
    )
    assert done.returncode == 1
    assert done.stderr == (
        f"agentkit: error: '{AGENTS}:make_agent_later' is an async function; name an Agent, "
        "or a plain (not async) function that returns one\n"
    )


def test_debug_lets_the_exception_through_for_its_traceback(db: Path) -> None:
    result = run(f"{AGENTS}:not_an_agent", "hi", "--db", str(db), "--debug")

    assert result.exit_code == 1
    assert type(result.exception).__name__ == "UserError"


def test_a_failed_run_prints_its_error_and_exits_1(db: Path) -> None:
    result = run(f"{AGENTS}:broken", "hi", "--db", str(db))

    assert result.exit_code == 1
    assert "✗ run failed (rate_limit_exceeded): The model API answered 429: slow down" in (
        result.stderr
    )


def test_a_run_waiting_for_a_human_exits_3_and_says_how_to_answer(db: Path) -> None:
    result = run(f"{AGENTS}:needs_human", "refund", "--db", str(db))

    assert result.exit_code == 3
    assert "waiting for approve()  [call_approve]" in result.stderr
    assert f"answer it with: agentkit chat {AGENTS}:needs_human --thread thread_" in result.stderr


def test_a_model_flag_without_an_api_is_a_usage_error_in_one_line(db: Path) -> None:
    result = run(f"{AGENTS}:weather", "hi", "--db", str(db), "--model", "gpt-5.1")

    assert result.exit_code == 1
    assert result.stderr.startswith("agentkit: error: --model and --api need a model API")
    assert len(result.stderr.splitlines()) == 1


def test_help_shows_examples() -> None:
    result = CliRunner().invoke(cli, ["run", "--help"])

    assert result.exit_code == 0
    assert 'agentkit run examples/travel_planner.py:agent "Plan 3 days in Lisbon"' in result.stdout
