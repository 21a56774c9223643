"""Several processes on one SQLite file: they see each other's writes, and races have one winner."""

from __future__ import annotations

import asyncio
import json
import sys
from pathlib import Path

from agentkit.records import Thread
from agentkit.stores import SQLiteStore

from .conftest import thread_with_run, user_message

SCRIPT = str(Path(__file__).with_name("other_process.py"))


async def run_other_process(*args: str) -> str:
    process = await asyncio.create_subprocess_exec(
        sys.executable, SCRIPT, *args, stdout=asyncio.subprocess.PIPE
    )
    stdout, _ = await process.communicate()
    assert process.returncode == 0
    return stdout.decode()


async def race(command: str, path: Path, object_id: str, racers: int) -> list[str]:
    """Start ``racers`` processes, release them together, and return each one's verdict."""
    processes = [
        await asyncio.create_subprocess_exec(
            sys.executable,
            SCRIPT,
            command,
            str(path),
            object_id,
            f"p{i}",
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
        )
        for i in range(racers)
    ]
    for process in processes:
        assert process.stdout is not None
        assert await process.stdout.readline() == b"ready\n"
    outputs = await asyncio.gather(*(p.communicate(b"go\n") for p in processes))
    assert [p.returncode for p in processes] == [0] * racers
    return [stdout.decode().strip() for stdout, _ in outputs]


async def test_each_process_sees_the_others_writes(db_path: Path) -> None:
    async with SQLiteStore(db_path) as store:
        thread, run = await thread_with_run(store, "requires_action")
        await store.save_run(run, {"pending": ["call_1"]})

        seen = json.loads(await run_other_process("resume", str(db_path), run.id))

        assert seen == {"status": "requires_action", "state": {"pending": ["call_1"]}}
        assert (await store.get_run(run.id)).status == "completed"
        assert await store.get_run_state(run.id) == {"done": True}
        messages = await store.list_messages(thread.id)
        assert [m.text for m in messages] == ["done by the other process"]


async def test_one_of_two_processes_resumes_a_paused_run(db_path: Path) -> None:
    async with SQLiteStore(db_path) as store:
        _, run = await thread_with_run(store, "requires_action")

        verdicts = await race("transition", db_path, run.id, racers=2)

        assert sorted(verdicts) == ["lost", "won"]
        stored = await store.get_run(run.id)
        assert stored.status == "in_progress"
        assert stored.metadata == {"winner": f"p{verdicts.index('won')}"}


async def test_one_of_three_processes_starts_a_run_on_a_thread(db_path: Path) -> None:
    async with SQLiteStore(db_path) as store:
        thread = await store.create_thread(Thread())
        await store.add_message(user_message(thread.id))

        verdicts = await race("create_run", db_path, thread.id, racers=3)

        assert sorted(verdicts) == ["lost", "lost", "won"]
        runs = await store.list_runs(thread.id)
        assert [r.metadata for r in runs] == [{"winner": f"p{verdicts.index('won')}"}]
