"""A segment's event stream that ends before its run (the driver lost the run to another
worker): the caller still gets the run's ending, read from the store."""

from __future__ import annotations

import asyncio

from agentkit.durable.execution import _settle_from_store
from agentkit.events import MessageCompletedEvent, RunStatusEvent
from agentkit.records import Message, Run, Thread
from agentkit.stores import MemoryStore


async def test_the_caller_gets_the_ending_another_worker_records() -> None:
    store = MemoryStore()
    thread = await store.create_thread(Thread())
    run = await store.create_run(
        Run.model_validate({"thread_id": thread.id, "assistant_id": "a", "status": "in_progress"}),
        {},
    )
    answer = Message.of_text(thread.id, "assistant", "done elsewhere")
    answer.run_id = run.id

    async def the_other_worker_finishes() -> None:
        await asyncio.sleep(0.3)
        completed = run.model_copy(update={"status": "completed"})
        assert await store.transition_run(completed, expected={"in_progress"}, messages=[answer])

    finishing = asyncio.create_task(the_other_worker_finishes())
    events = [event async for event in _settle_from_store(store, run.id, seen=set())]
    await finishing

    assert isinstance(events[-1], RunStatusEvent)
    assert events[-1].run.status == "completed"
    texts = [e.message.text for e in events if isinstance(e, MessageCompletedEvent)]
    assert texts == ["done elsewhere"]
