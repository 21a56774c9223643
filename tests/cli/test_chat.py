"""``agentkit chat`` in a real pseudo-terminal: turns, tool calls, Ctrl-C, resuming a thread,
line editing and history."""

from __future__ import annotations

import asyncio
import os
import re
import sys
from pathlib import Path

import pexpect
import pytest

from agentkit.stores import SQLiteStore

from .conftest import AGENTS

ROOT = Path(__file__).resolve().parents[2]
AGENTKIT = Path(sys.executable).with_name("agentkit")
PROMPT = "you › "
THREAD = re.compile(r"thread (thread_\w+) \((new|resumed)\)")
LEFT, UP = "\x1b[D", "\x1b[A"

pytestmark = pytest.mark.skipif(
    not AGENTKIT.exists(), reason="the agentkit script is not installed"
)


def spawn(db: Path, *args: str) -> pexpect.spawn[str]:
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(db.parent),
        "TERM": "xterm",
        "PYTHONPATH": str(ROOT),
    }
    child = pexpect.spawn(
        str(AGENTKIT),
        ["chat", f"{AGENTS}:weather", "--db", str(db), *args],
        env=env,
        encoding="utf-8",
        timeout=30,
        dimensions=(40, 160),
    )
    return child


def start(db: Path, *args: str) -> pexpect.spawn[str]:
    child = spawn(db, *args)
    child.expect_exact("helper · new thread")
    child.expect_exact(PROMPT)
    return child


def first_turn(child: pexpect.spawn[str], line: str) -> str:
    """Send the first message; return the id of the thread it created."""
    child.sendline(line)
    child.expect(THREAD)
    assert isinstance(child.match, re.Match)
    assert child.match.group(2) == "new"
    return child.match.group(1)


def quit_chat(child: pexpect.spawn[str]) -> str:
    child.sendeof()
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    return str(child.before)


def statuses(db: Path, thread_id: str) -> list[str]:
    async def read() -> list[str]:
        async with SQLiteStore(db) as store:
            return [run.status for run in await store.list_runs(thread_id, order="asc")]

    return asyncio.run(read())


def user_messages(db: Path) -> list[str]:
    async def read() -> list[str]:
        async with SQLiteStore(db) as store:
            threads = await store.list_threads(order="asc")
            messages = [m for t in threads for m in await store.list_messages(t.id)]
            return [m.text for m in messages if m.role == "user"]

    return asyncio.run(read())


def thread_count(db: Path) -> int:
    async def read() -> int:
        async with SQLiteStore(db) as store:
            return len(await store.list_threads())

    return asyncio.run(read())


def test_two_turns_stream_answers_and_show_the_tool_call(db: Path) -> None:
    child = start(db)
    first_turn(child, "hello")
    child.expect_exact("helper › ")
    child.expect_exact("Echo: hello (message 1)")
    child.expect_exact(PROMPT)
    child.sendline("weather in Oslo?")
    child.expect(r'→ .*get_weather.*\(city="Oslo"\)')
    child.expect(r"✓ .*get_weather.* → Sunny in Oslo.*\d+ ms")
    child.expect_exact("Result: Sunny in Oslo")
    child.expect_exact(PROMPT)
    quit_chat(child)


def test_ctrl_c_cancels_a_slow_tool_and_the_prompt_returns(db: Path) -> None:
    child = start(db)
    thread_id = first_turn(child, "make a slow report")
    child.expect("slow_report")
    child.sendintr()
    child.expect_exact("run cancelled")
    child.expect_exact(PROMPT)
    child.sendline("still there?")
    child.expect_exact("Echo: still there? (message 2)")
    child.expect_exact(PROMPT)
    quit_chat(child)

    assert statuses(db, thread_id) == ["cancelled", "completed"]


def test_resuming_by_thread_id_shows_the_history_and_continues_it(db: Path) -> None:
    child = start(db)
    thread_id = first_turn(child, "first words")
    child.expect_exact("Echo: first words (message 1)")
    child.expect_exact(PROMPT)
    ending = quit_chat(child)
    assert f"--thread {thread_id}" in ending

    again = spawn(db, "--thread", thread_id)
    again.expect(THREAD)
    assert isinstance(again.match, re.Match)
    assert again.match.group(1, 2) == (thread_id, "resumed")
    again.expect_exact("you › first words")
    again.expect_exact("helper › Echo: first words (message 1)")
    again.expect_exact(PROMPT)
    again.sendline("second words")
    again.expect_exact("Echo: second words (message 2)")
    again.expect_exact(PROMPT)
    quit_chat(again)


def test_exit_quits_and_prints_how_to_resume(db: Path) -> None:
    child = start(db)
    thread_id = first_turn(child, "hi")
    child.expect_exact(PROMPT)
    child.sendline("exit")
    child.expect_exact(f"resume with: agentkit chat {AGENTS}:weather --thread {thread_id}")
    child.expect(pexpect.EOF)


def test_a_paused_run_asks_the_human_for_the_tool_output(db: Path) -> None:
    child = pexpect.spawn(
        str(AGENTKIT),
        ["chat", f"{AGENTS}:needs_human", "--db", str(db)],
        env={"PATH": os.environ.get("PATH", ""), "TERM": "xterm", "HOME": str(db.parent)},
        encoding="utf-8",
        timeout=30,
        dimensions=(40, 160),
    )
    child.expect_exact(PROMPT)
    child.sendline("refund order 42")
    child.expect_exact("approve() › ")
    child.sendline("yes, go ahead")
    child.expect_exact("The human said: yes, go ahead")
    child.expect_exact(PROMPT)
    quit_chat(child)


def test_resuming_an_unknown_thread_is_one_line_and_exit_1(db: Path) -> None:
    child = spawn(db, "--thread", "thread_nope")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 1
    assert f"agentkit: error: no thread 'thread_nope' in '{db}'" in str(child.before)


def test_end_of_file_before_any_message_leaves_no_thread(db: Path) -> None:
    child = start(db)
    ending = quit_chat(child)

    assert "resume with" not in ending
    assert not db.exists() or thread_count(db) == 0


def test_exit_before_any_message_leaves_no_thread(db: Path) -> None:
    child = start(db)
    child.sendline("exit")
    child.expect(pexpect.EOF)

    assert not db.exists() or thread_count(db) == 0


def test_arrow_keys_edit_the_line_instead_of_typing_escape_codes(db: Path) -> None:
    child = start(db)
    child.send(f"helo{LEFT}l\r")
    child.expect_exact("Echo: hello (message 1)")
    child.expect_exact(PROMPT)
    quit_chat(child)

    assert user_messages(db) == ["hello"]


def test_up_recalls_earlier_lines_even_from_a_previous_chat(db: Path) -> None:
    child = start(db)
    first_turn(child, "remember me")
    child.expect_exact(PROMPT)
    quit_chat(child)
    history = db.parent / ".local" / "state" / "agentkit" / "chat_history"
    assert history.read_text().splitlines()[-1] == "remember me"

    again = start(db)
    again.send(f"{UP}\r")
    again.expect_exact("Echo: remember me (message 1)")
    again.expect_exact(PROMPT)
    quit_chat(again)

    assert user_messages(db) == ["remember me", "remember me"]
