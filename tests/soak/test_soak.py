"""Fault-injection soak: hundreds of runs in one event loop against a misbehaving server.

Every run must end as its scenario says (status, error, each tool output, model requests,
final text), and the engine must leave nothing behind. The suite runs a bounded size
(``AGENTKIT_SOAK_RUNS``, default 400, about a minute); ``python bench/soak.py`` runs the
full size. ``AGENTKIT_SOAK_SEED`` picks another plan. Deselect with ``-m "not slow"``.
"""

from __future__ import annotations

import asyncio
import gc
import logging
import os
import random
import tracemalloc
from collections import Counter, defaultdict
from contextlib import aclosing, suppress
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from agentkit import Agent, Runner
from agentkit.events import RunEvent, RunStatusEvent
from agentkit.records import Run
from agentkit.stores import SQLiteStore
from tests.soak.invariants import (
    ConnectionsClosedByGC,
    Leftovers,
    event_problems,
    sqlite_problems,
    store_problems,
)
from tests.soak.outcomes import Planned, outcome_problems
from tests.soak.scenarios import (
    HUMAN_ANSWER,
    RELEASE,
    SCENARIOS,
    Agents,
    SoakScript,
    fake_server,
    make_agents,
)

RUNS = int(os.environ.get("AGENTKIT_SOAK_RUNS", "400"))
SEED = int(os.environ.get("AGENTKIT_SOAK_SEED", "20261121"))
CONCURRENCY = 200
# What may stay allocated after the soak: pool and cache slack, not a per-run leak.
MEMORY_TOLERANCE = 2 * 1024 * 1024 + 2 * 1024 * RUNS


@dataclass
class Soak:
    """The runs started, and what each streamed."""

    runner: Runner
    agents: Agents
    planned: list[Planned] = field(default_factory=list)
    events: dict[str, list[RunEvent]] = field(default_factory=dict)

    @property
    def thread_ids(self) -> list[str]:
        return [planned.thread_id for planned in self.planned]

    async def one(self, n: int, scenario: str, rng: random.Random) -> None:
        thread = await self.runner.create_thread()
        planned = Planned(n, scenario, thread.id)
        self.planned.append(planned)
        agent = self.agents.pick(scenario, rng)
        events: list[RunEvent] = []
        started = asyncio.Event()
        task = asyncio.create_task(self._drain(agent, planned.tag, thread.id, events, started))
        if SCENARIOS[scenario].cancel:
            # Half the cancellations count from the run's creation, so every cancel scenario
            # reaches its run however slow the machine; the rest may land before it exists.
            if rng.random() < 0.5:
                waiter = asyncio.ensure_future(started.wait())
                await asyncio.wait([waiter, task], return_when=asyncio.FIRST_COMPLETED)
                waiter.cancel()
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
            outputs = {call.id: HUMAN_ANSWER for call in calls}
            result = await self.runner.submit_tool_outputs(
                agent, paused.id, outputs, keep_events=True
            )
            self.events[paused.id] += result.events

    async def _drain(
        self,
        agent: Agent[None],
        text: str,
        thread_id: str,
        events: list[RunEvent],
        started: asyncio.Event,
    ) -> None:
        async with aclosing(self.runner.iter_run(agent, text, thread=thread_id)) as stream:
            async for event in stream:
                events.append(event)
                started.set()

    async def all(self, runs: int, seed: int) -> None:
        rng = random.Random(seed)
        names = list(SCENARIOS)
        plan = [(n, rng.choice(names), random.Random(rng.random())) for n in range(runs)]
        limit = asyncio.Semaphore(CONCURRENCY)

        async def bounded(n: int, scenario: str, own: random.Random) -> None:
            async with limit:
                await self.one(n, scenario, own)

        async with asyncio.TaskGroup() as group:
            for n, scenario, own in plan:
                group.create_task(bounded(n, scenario, own))


def _run_of(events: list[RunEvent]) -> Run:
    return [e for e in events if isinstance(e, RunStatusEvent)][-1].run


@dataclass
class Report:
    """What a soak saw: statuses by scenario, and every problem found."""

    statuses: defaultdict[str, Counter[str]] = field(default_factory=lambda: defaultdict(Counter))
    problems: list[str] = field(default_factory=list)
    worst_lag: float = 0.0

    async def watch_loop(self) -> None:
        """Record how late the event loop runs a callback: what the soak's timings face."""
        loop = asyncio.get_running_loop()
        while True:
            start = loop.time()
            await asyncio.sleep(0.01)
            self.worst_lag = max(self.worst_lag, loop.time() - start - 0.01)

    def summary(self) -> str:
        return "\n".join(
            f"  {name:<15} {dict(self.statuses[name])}"
            for name in SCENARIOS
            if name in self.statuses
        )

    def failure(self, limit: int = 25) -> str:
        shown = "\n".join(self.problems[:limit])
        more = len(self.problems) - limit
        return f"{len(self.problems)} problems:\n{shown}" + (f"\n… {more} more" if more > 0 else "")


async def _soak(db: Path, runs: int, seed: int, gc_closed: ConnectionsClosedByGC) -> Report:
    """One soak against its own fake server and store."""
    script = SoakScript(seed)
    report = Report()
    async with fake_server(script).serve() as url:
        gc_closed.server_ports.add(urlsplit(url).port or 0)
        agents = make_agents(url)
        soak = Soak(Runner(SQLiteStore(db)), agents)
        RELEASE.clear()
        watch = asyncio.create_task(report.watch_loop())
        try:
            await soak.all(runs, seed)
        finally:
            RELEASE.set()
            watch.cancel()
        store = soak.runner.store
        _statuses, report.problems = await store_problems(store, soak.thread_ids)
        for planned in sorted(soak.planned, key=lambda p: p.n):
            for run in await store.list_runs(planned.thread_id, limit=10):
                report.statuses[planned.scenario][run.status] += 1
            report.problems += await outcome_problems(store, planned, script.attempts)
        for run_id, events in soak.events.items():
            report.problems += event_problems(await store.get_run(run_id), events)
        await soak.runner.aclose()
        await agents.streamed.model.aclose()
        client = agents.streamed.model.client  # type: ignore[attr-defined]
        await client.close()
    report.problems += sqlite_problems(db)
    return report


@pytest.mark.slow
@pytest.mark.timeout(max(400, RUNS))
async def test_every_run_ends_as_its_scenario_says_under_random_faults(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    # Thousands of expected retries and writes to dropped sockets would bury a failure's
    # report; the checks below are what this test is about.
    caplog.set_level(logging.ERROR, logger="agentkit.retry")
    caplog.set_level(logging.ERROR, logger="asyncio")
    with ConnectionsClosedByGC() as gc_closed:
        # A small soak first: imports, schema builds and SDK caches are not leaks.
        await _soak(tmp_path / "warmup.db", len(SCENARIOS), SEED + 1, gc_closed)
        gc.collect()
        leftovers = Leftovers()
        tracemalloc.start()
        try:
            report = await _soak(tmp_path / "soak.db", RUNS, SEED, gc_closed)
            report.problems += await leftovers.problems()
            await asyncio.sleep(0.1)  # abandoned SDK streams are closed by the loop's finalizer
            gc.collect()
            grown, _peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
    report.problems += gc_closed.problems()

    print(
        f"\nsoak: {RUNS} runs, seed {SEED}; memory +{grown / 1024:.0f} KiB; "
        f"event loop up to {report.worst_lag:.2f} s late; "
        f"{gc_closed.allowed} client connections closed by the garbage collector\n"
        + report.summary()
    )
    if report.problems:
        pytest.fail(report.failure(), pytrace=False)
    if 10 * len(SCENARIOS) <= RUNS:
        # Left out of the plan, or every run of it cancelled before the run existed.
        assert set(report.statuses) == set(SCENARIOS), "a scenario made no run"
    assert grown < MEMORY_TOLERANCE
