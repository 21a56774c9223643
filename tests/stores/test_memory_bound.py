"""A bounded MemoryStore forgets the least recently used idle threads; the default runner's is."""

from __future__ import annotations

import gc

import pytest

import agentkit.agent
from agentkit import Agent, Runner, tool
from agentkit.exceptions import NotFoundError, UserError
from agentkit.stores import MemoryStore
from agentkit.testing import TestModel


@tool
def lookup(i: int) -> str:
    """Look an item up.

    Args:
        i: which item.
    """
    return f"item {i}"


def agent() -> Agent[None]:
    return Agent(name="bound", model=TestModel(), tools=[lookup])


async def test_a_bounded_store_keeps_only_the_most_recent_threads() -> None:
    store = MemoryStore(max_threads=3)
    runner = Runner(store)
    results = [await runner.run(agent(), f"question {n}") for n in range(8)]

    kept = {thread.id for thread in await store.list_threads(limit=100)}
    assert kept == {r.thread_id for r in results[-3:]}
    with pytest.raises(NotFoundError, match="max_threads"):
        await store.get_run(results[0].run.id)
    with pytest.raises(NotFoundError, match="3 most recently used threads"):
        await runner.run(agent(), "more", thread=results[0].thread_id)


async def test_a_thread_in_use_is_kept_over_newer_idle_ones() -> None:
    store = MemoryStore(max_threads=2)
    runner = Runner(store)
    first = await runner.run(agent(), "first")
    second = await runner.run(agent(), "second")
    await runner.run(agent(), "again", thread=first.thread_id)  # first is now the most recent

    third = await runner.run(agent(), "third")

    kept = {thread.id for thread in await store.list_threads(limit=100)}
    assert kept == {first.thread_id, third.thread_id}
    assert second.thread_id not in kept
    assert len(await store.list_messages(first.thread_id)) == 4


async def test_a_thread_with_an_active_run_is_not_forgotten() -> None:
    store = MemoryStore(max_threads=1)
    runner = Runner(store)
    paused = await runner.run(agent(), "wait for me", dispatch="manual")
    assert paused.status == "requires_action"

    later = await runner.run(agent(), "another")

    kept = {thread.id for thread in await store.list_threads(limit=100)}
    assert kept == {paused.thread_id, later.thread_id}
    [call] = paused.pending_tool_calls
    resumed = await runner.submit_tool_outputs(agent(), paused.run, {call.id: "item 1"})
    assert resumed.status == "completed"


def test_max_threads_below_one_is_refused() -> None:
    with pytest.raises(UserError, match="max_threads must be at least 1, not 0"):
        MemoryStore(max_threads=0)


async def test_the_default_runner_retains_no_more_objects_however_many_runs(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(agentkit.agent, "DEFAULT_RETAINED_THREADS", 20)
    bot = agent()
    for _ in range(40):  # past the bound: from here on, each run replaces a forgotten one
        await bot.run("calls=1")
    gc.collect()
    before = len(gc.get_objects())

    for _ in range(200):
        result = await bot.run("calls=1")
        assert result.status == "completed"
    del result
    gc.collect()

    # An unbounded store keeps dozens of objects per run (rows, ids, lists): thousands here.
    assert len(gc.get_objects()) - before < 200
    assert len(await bot.runner.store.list_threads(limit=100)) == 20
