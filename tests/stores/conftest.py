from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from pathlib import Path

import pytest

from agentkit.records import Message, Run, RunStep, Thread, ToolCallsStepDetails
from agentkit.stores import AssistantsStore, MemoryStore, SQLiteStore
from agentkit.stores.base import Lease

# 2100-01-01: a lease that does not lapse during a test.
FAR = 4102444800.0


@pytest.fixture(params=["memory", "sqlite"])
async def store(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[AssistantsStore]:
    """Each contract test runs once per store implementation."""
    made: AssistantsStore = (
        MemoryStore() if request.param == "memory" else SQLiteStore(tmp_path / "s.db")
    )
    async with made:
        yield made


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "agentkit.db"


def user_message(thread_id: str, text: str = "hi", run_id: str | None = None) -> Message:
    message = Message.of_text(thread_id, "user", text)
    message.run_id = run_id
    return message


def new_run(thread_id: str, status: str = "queued") -> Run:
    return Run.model_validate({"thread_id": thread_id, "assistant_id": "asst_1", "status": status})


def new_step(run: Run) -> RunStep:
    return RunStep(
        run_id=run.id,
        thread_id=run.thread_id,
        assistant_id=run.assistant_id,
        type="tool_calls",
        step_details=ToolCallsStepDetails(tool_calls=[]),
    )


async def thread_with_run(store: AssistantsStore, status: str = "queued") -> tuple[Thread, Run]:
    thread = await store.create_thread(Thread())
    run = await store.create_run(new_run(thread.id, status), {"turn": 0})
    return thread, run


def lease(owner: str = "driver", expires_at: float = FAR) -> Lease:
    return Lease(owner, expires_at)


async def leased_run(
    store: AssistantsStore, status: str = "in_progress", owner: str = "driver"
) -> tuple[Thread, Run, Lease]:
    """A thread with a run in ``status`` created with ``owner``'s lease."""
    thread = await store.create_thread(Thread())
    held = lease(owner)
    run = await store.create_run(new_run(thread.id, status), {"turn": 0}, lease=held)
    return thread, run, held


def ids(objects: Sequence[Thread | Message | Run | RunStep]) -> list[str]:
    return [obj.id for obj in objects]
