"""Library runs expire like server runs, lazily: on read, on the next start, by recover()."""

from __future__ import annotations

import time

import pytest

from agentkit.exceptions import ActiveRunError
from agentkit.records import Run, Thread
from agentkit.runner import Runner
from agentkit.stores import MemoryStore
from agentkit.stores.base import Lease

from .paused_agent import build_agent


async def overdue_paused_run(runner: Runner) -> Run:
    paused = await runner.run(build_agent(), "Refund order 42")
    assert paused.status == "requires_action"
    overdue = paused.run.model_copy(update={"expires_at": int(time.time()) - 1})
    assert await runner.store.save_run(overdue)
    return overdue


async def test_a_paused_run_past_its_deadline_is_expired_when_read() -> None:
    runner = Runner()
    run = await overdue_paused_run(runner)

    read = await runner.get_run(run.id)

    assert read.status == "expired" and read.required_action is None
    assert (await runner.store.get_run(run.id)).status == "expired"
    assert [s.status for s in await runner.store.list_steps(run.id)] == ["expired"]


async def test_a_paused_run_before_its_deadline_is_left_alone() -> None:
    runner = Runner()
    paused = await runner.run(build_agent(), "Refund order 42")

    assert (await runner.get_run(paused.run.id)).status == "requires_action"


async def test_the_next_run_on_the_thread_expires_the_overdue_run_blocking_it() -> None:
    runner = Runner()
    run = await overdue_paused_run(runner)

    follow_up = await runner.run(build_agent(), "Refund order 43", thread=run.thread_id)

    assert follow_up.status == "requires_action"
    assert (await runner.store.get_run(run.id)).status == "expired"


async def test_a_run_blocking_the_thread_before_its_deadline_still_refuses_a_new_one() -> None:
    runner = Runner()
    paused = await runner.run(build_agent(), "Refund order 42")

    with pytest.raises(ActiveRunError):
        await runner.run(build_agent(), "Refund order 43", thread=paused.thread_id)


async def test_recover_expires_overdue_paused_runs() -> None:
    runner = Runner()
    run = await overdue_paused_run(runner)

    ended = await runner.recover([build_agent()])

    assert [(r.id, r.status) for r in ended] == [(run.id, "expired")]


async def in_progress_run(store: MemoryStore, lease: Lease | None) -> Run:
    thread = await store.create_thread(Thread())
    run = Run(
        thread_id=thread.id,
        assistant_id="asst_refunds",
        status="in_progress",
        expires_at=int(time.time()) - 1,
    )
    return await store.create_run(run, {}, lease=lease)


async def test_an_overdue_run_whose_driver_is_gone_is_expired_when_read() -> None:
    store = MemoryStore()
    run = await in_progress_run(store, Lease("elsewhere:1:dead:beef", time.time() - 1))

    assert (await Runner(store).get_run(run.id)).status == "expired"
    assert await store.driven_runs() == []


async def test_an_overdue_run_whose_driver_is_alive_is_left_to_it() -> None:
    store = MemoryStore()
    run = await in_progress_run(store, Lease("elsewhere:1:live:beef", time.time() + 30))

    assert (await Runner(store).get_run(run.id)).status == "in_progress"
