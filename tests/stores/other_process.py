"""A second process on the same SQLite file, driven by ``test_sqlite_processes.py``.

Usage: ``python other_process.py COMMAND PATH OBJECT_ID [NAME]``. ``resume`` reads the paused
run, completes it and prints what it read as JSON. ``transition`` and ``create_run`` open the
store, print ``ready``, wait for a line on stdin (so that the racers start together), try once
and print ``won`` or ``lost``.
"""

from __future__ import annotations

import asyncio
import json
import sys

from agentkit.exceptions import ActiveRunError
from agentkit.records import Message, Run
from agentkit.stores import SQLiteStore


async def resume(store: SQLiteStore, run_id: str) -> None:
    run = await store.get_run(run_id)
    state = await store.get_run_state(run_id)
    print(json.dumps({"status": run.status, "state": state}))
    run.status = "completed"
    await store.add_message(
        Message.of_text(run.thread_id, "assistant", "done by the other process"),
        require_idle=False,
    )
    assert await store.transition_run(run, expected={"requires_action"}, state={"done": True})


async def transition(store: SQLiteStore, run_id: str, name: str) -> None:
    run = await store.get_run(run_id)
    run.status = "in_progress"
    run.metadata = {"winner": name}
    await _start_together()
    won = await store.transition_run(run, expected={"requires_action"})
    print("won" if won else "lost", flush=True)


async def create_run(store: SQLiteStore, thread_id: str, name: str) -> None:
    run = Run(thread_id=thread_id, assistant_id="asst_1", metadata={"winner": name})
    await _start_together()
    try:
        await store.create_run(run, {})
    except ActiveRunError:
        print("lost", flush=True)
    else:
        print("won", flush=True)


async def _start_together() -> None:
    print("ready", flush=True)
    await asyncio.to_thread(sys.stdin.readline)


async def main(command: str, path: str, object_id: str, name: str = "") -> None:
    async with SQLiteStore(path) as store:
        if command == "resume":
            await resume(store, object_id)
        elif command == "transition":
            await transition(store, object_id, name)
        else:
            await create_run(store, object_id, name)


if __name__ == "__main__":
    asyncio.run(main(*sys.argv[1:]))
