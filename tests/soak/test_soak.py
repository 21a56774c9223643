"""Fault-injection soak: thousands of runs in one event loop against a misbehaving server.

Size and seed: ``AGENTKIT_SOAK_RUNS`` (default 1000), ``AGENTKIT_SOAK_SEED``. Deselect with
``-m "not slow"``.
"""

from __future__ import annotations

import asyncio
import gc
import logging
import os
import random
import tracemalloc
from contextlib import aclosing, suppress
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from agentkit import Agent, Runner
from agentkit.events import RunEvent, RunStatusEvent
from agentkit.exceptions import InvalidRunStateError
from agentkit.records import Run
from agentkit.stores import SQLiteStore
from tests.soak.invariants import (
    ConnectionsClosedByGC,
    Leftovers,
    event_problems,
    sqlite_problems,
    store_problems,
)
from tests.soak.scenarios import SCENARIOS, Agents, fake_server, make_agents

RUNS = int(os.environ.get("AGENTKIT_SOAK_RUNS", "800"))
SEED = int(os.environ.get("AGENTKIT_SOAK_SEED", "20261121"))
CONCURRENCY = 200
# What may stay allocated after the soak: pool and cache slack, not a per-run leak.
MEMORY_TOLERANCE = 2 * 1024 * 1024 + 2 * 1024 * RUNS


@dataclass
class Soak:
    """The runs started, and what each streamed."""

    runner: Runner
    agents: Agents
    thread_ids: list[str] = field(default_factory=list)
    events: dict[str, list[RunEvent]] = field(default_factory=dict)

    async def one(self, n: int, scenario: str, rng: random.Random) -> None:
        thread = await self.runner.create_thread()
        self.thread_ids.append(thread.id)
        agent = self.agents.pick(scenario, rng)
        events: list[RunEvent] = []
        task = asyncio.create_task(self._drain(agent, f"soak {n} {scenario}", thread.id, events))
        if scenario.startswith("cancel"):
            await asyncio.sleep(rng.uniform(0, 0.3))
            task.cancel()
        with suppress(asyncio.CancelledError):
            await task
        if events:
            self.events[_run_of(events).id] = events
        paused = _run_of(events) if events else None
        if paused is not None and paused.status == "requires_action":
            assert paused.required_action is not None
            calls = paused.required_action.submit_tool_outputs.tool_calls
            outputs = {call.id: "the human says yes" for call in calls}
            # On a loaded machine the deadline may pass first: the run then ends expired.
            with suppress(InvalidRunStateError):
                result = await self.runner.submit_tool_outputs(agent, paused.id, outputs)
                self.events[paused.id] += result.events

    async def _drain(
        self, agent: Agent[None], text: str, thread_id: str, events: list[RunEvent]
    ) -> None:
        async with aclosing(self.runner.iter_run(agent, text, thread=thread_id)) as stream:
            async for event in stream:
                events.append(event)

    async def all(self, runs: int, seed: int) -> None:
        rng = random.Random(seed)
        plan = [(n, rng.choice(SCENARIOS), random.Random(rng.random())) for n in range(runs)]
        limit = asyncio.Semaphore(CONCURRENCY)

        async def bounded(n: int, scenario: str, own: random.Random) -> None:
            async with limit:
                await self.one(n, scenario, own)

        async with asyncio.TaskGroup() as group:
            for n, scenario, own in plan:
                group.create_task(bounded(n, scenario, own))


def _run_of(events: list[RunEvent]) -> Run:
    return [e for e in events if isinstance(e, RunStatusEvent)][-1].run


async def _soak(
    db: Path, runs: int, seed: int, gc_closed: ConnectionsClosedByGC
) -> tuple[dict[str, int], list[str]]:
    """One soak against its own fake server and store: (statuses, problems)."""
    fake = fake_server(seed)
    async with fake.serve() as url:
        gc_closed.server_ports.add(urlsplit(url).port or 0)
        agents = make_agents(url)
        soak = Soak(Runner(SQLiteStore(db)), agents)
        await soak.all(runs, seed)
        statuses, problems = await store_problems(soak.runner.store, soak.thread_ids)
        for run_id, events in soak.events.items():
            problems += event_problems(await soak.runner.store.get_run(run_id), events)
        await soak.runner.aclose()
        await agents.streamed.model.aclose()
        client = agents.streamed.model.client  # type: ignore[attr-defined]
        await client.close()
    problems += sqlite_problems(db)
    return dict(statuses), problems


@pytest.mark.slow
@pytest.mark.timeout(400)
async def test_every_run_ends_cleanly_under_random_faults(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    # Thousands of expected retries and writes to dropped sockets would bury a failure's
    # report; the invariants below are what this test checks.
    caplog.set_level(logging.ERROR, logger="agentkit.retry")
    caplog.set_level(logging.ERROR, logger="asyncio")
    with ConnectionsClosedByGC() as gc_closed:
        # A small soak first: imports, schema builds and SDK caches are not leaks.
        await _soak(tmp_path / "warmup.db", len(SCENARIOS), SEED + 1, gc_closed)
        gc.collect()
        leftovers = Leftovers()
        tracemalloc.start()
        try:
            statuses, problems = await _soak(tmp_path / "soak.db", RUNS, SEED, gc_closed)
            problems += await leftovers.problems()
            await asyncio.sleep(0.1)  # abandoned SDK streams are closed by the loop's finalizer
            gc.collect()
            grown, _peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
    problems += gc_closed.problems()

    print(
        f"\nsoak: {RUNS} runs, seed {SEED}: {statuses}; memory +{grown / 1024:.0f} KiB; "
        f"{gc_closed.allowed} client connections closed by the garbage collector"
    )
    assert problems == []
    # A few cancellations land before the run exists.
    assert sum(statuses.values()) >= RUNS * 0.9
    if RUNS >= 200:
        assert {"completed", "failed", "cancelled", "expired", "incomplete"} <= set(statuses)
    assert grown < MEMORY_TOLERANCE
