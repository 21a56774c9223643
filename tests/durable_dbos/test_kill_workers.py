"""Workers killed with ``kill -9`` while they drive runs: mid tool batch, mid model stream,
and around a submit. After recovery every run has ended or is correctly paused, no finished
tool call ran twice, every acknowledged submit took effect, and the runs continued on another
worker within seconds. Bounded: a few runs per scenario, each step with a deadline.
"""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from collections.abc import AsyncIterator
from pathlib import Path

import psycopg
import pytest
import pytest_asyncio

from agentkit import Runner
from agentkit.durable import DBOSExecution
from agentkit.events import RunEvent, TextDeltaEvent
from agentkit.records import ToolCallsStepDetails
from agentkit.runs.result import RunResult
from agentkit.stores import PostgresStore

from . import agents
from .conftest import WorkerProcess

pytestmark = pytest.mark.asyncio(loop_scope="module")

DEADLINE = 30.0


@pytest_asyncio.fixture(loop_scope="module")
async def runner(dbos_url: str) -> AsyncIterator[Runner]:
    made = Runner(PostgresStore(dbos_url), execution=DBOSExecution(dbos_url))
    yield made
    await made.aclose()


class Cluster:
    """Worker processes over one database, a ledger of tool side effects, and checks."""

    def __init__(self, url: str, tmp: Path) -> None:
        self.url = url
        self.ledger = tmp / "ledger.txt"
        self.ledger.touch()
        self.log = tmp / "workers.log"
        self.workers: dict[str, WorkerProcess] = {}

    async def start(self, name: str) -> WorkerProcess:
        process = WorkerProcess(self.url, name, self.ledger, self.log)
        self.workers[name] = process
        await self.until(lambda: self._beating(name), f"worker {name} to beat")
        return process

    def _beating(self, name: str) -> bool:
        with psycopg.connect(self.url) as conn:
            try:
                row = conn.execute(
                    "SELECT 1 FROM agentkit.workers WHERE executor_id = %s", (name,)
                ).fetchone()
            except psycopg.errors.UndefinedTable:  # the first worker is still creating it
                return False
        return row is not None

    def driver_of(self, run_id: str) -> str | None:
        with psycopg.connect(self.url) as conn:
            row = conn.execute(
                "SELECT executor_id FROM dbos.workflow_status "
                "WHERE workflow_uuid = %s AND status = 'PENDING'",
                (run_id,),
            ).fetchone()
        return None if row is None else str(row[0])

    def kill_driver_of(self, run_id: str) -> float:
        name = self.driver_of(run_id)
        assert name in self.workers, f"run {run_id} is driven by {name}, not by a test worker"
        self.workers.pop(name).kill()
        return time.monotonic()

    def lines(self) -> list[tuple[str, str, str]]:
        return [tuple(line.split()) for line in self.ledger.read_text().splitlines()]  # type: ignore[misc]

    def run_with_a_recorded_finished_call(self) -> str | None:
        """A run one of whose calls finished and had its outcome committed to the store.

        The tool notes "finished" in the ledger before it returns, so the ledger alone may
        run ahead of the store by the time it takes to commit the outcome.
        """
        finished = {(run, call) for run, call, what in self.lines() if what == "finished"}
        if not finished:
            return None
        with psycopg.connect(self.url) as conn:
            rows = conn.execute(
                "SELECT run_id, call_id FROM agentkit.tool_calls "
                "WHERE outcome IS NOT NULL AND run_id = ANY(%s)",
                ([run for run, _ in finished],),
            ).fetchall()
        recorded = finished & {(str(run), str(call)) for run, call in rows}
        return min(recorded)[0] if recorded else None

    def assert_no_finished_call_ran_twice(self) -> None:
        finished = Counter((run, call) for run, call, what in self.lines() if what == "finished")
        assert [key for key, n in finished.items() if n > 1] == []

    def workflow_statuses(self, run_ids: list[str]) -> dict[str, int]:
        with psycopg.connect(self.url) as conn:
            rows = conn.execute(
                "SELECT status, count(*) FROM dbos.workflow_status "
                "WHERE workflow_uuid = ANY(%s) GROUP BY status",
                (run_ids,),
            ).fetchall()
        return {str(status): int(count) for status, count in rows}

    async def assert_workflows_done(self, run_ids: list[str]) -> None:
        # A run's caller sees it end when the store records the ending; its workflow is
        # marked SUCCESS a moment later, when the workflow function returns.
        done = {"SUCCESS": len(run_ids)}
        deadline = time.monotonic() + DEADLINE
        while (statuses := self.workflow_statuses(run_ids)) != done:
            assert time.monotonic() < deadline, f"workflows {statuses}, expected {done}"
            await asyncio.sleep(0.05)

    def stop(self) -> None:
        for process in self.workers.values():
            process.stop()

    async def until(self, condition: object, what: str) -> None:
        assert callable(condition)
        deadline = time.monotonic() + DEADLINE
        while not condition():
            assert time.monotonic() < deadline, f"timed out waiting for {what}"
            await asyncio.sleep(0.05)


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def cluster(
    dbos_url: str, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[Cluster]:
    """Four workers for the module: each test kills one, and at least one survives."""
    made = Cluster(dbos_url, tmp_path_factory.mktemp("workers"))
    try:
        for name in ("w1", "w2", "w3", "w4"):
            await made.start(name)
        yield made
    finally:
        made.stop()


async def _finish(tasks: list[asyncio.Task[RunResult]]) -> list[RunResult]:
    async with asyncio.timeout(DEADLINE):
        return list(await asyncio.gather(*tasks))


async def test_a_worker_killed_mid_tool_batch_loses_no_run_and_reruns_no_finished_call(
    cluster: Cluster, runner: Runner
) -> None:
    tasks = [asyncio.create_task(runner.run(agents.batch, f"job {i}")) for i in range(6)]
    # Killed when a run's first call finished (its outcome recorded) and its slower
    # siblings still run.
    await cluster.until(
        lambda: cluster.run_with_a_recorded_finished_call() is not None,
        "a finished call to be recorded",
    )
    victim = cluster.run_with_a_recorded_finished_call()
    assert victim is not None
    cluster.kill_driver_of(victim)

    results = await _finish(tasks)

    assert {r.status for r in results} == {"completed"}
    cluster.assert_no_finished_call_ran_twice()
    await cluster.assert_workflows_done([r.run.id for r in results])
    victim_result = next(r for r in results if r.run.id == victim)
    tool_step = next(s for s in victim_result.steps if s.type == "tool_calls")
    assert isinstance(tool_step.step_details, ToolCallsStepDetails)
    errors = {c.function.name: c.error for c in tool_step.step_details.tool_calls}
    # The call that had finished kept its outcome; those in flight were not run again.
    assert errors["fetch"] is None
    assert {e.code for name, e in errors.items() if name != "fetch" and e} <= {"interrupted"}


async def test_a_worker_killed_mid_model_stream_is_replaced_and_the_run_completes(
    cluster: Cluster, runner: Runner
) -> None:
    events: list[RunEvent] = []
    first_delta = asyncio.Event()

    async def watch() -> None:
        async for event in runner.iter_run(agents.talker, "talk"):
            events.append(event)
            if isinstance(event, TextDeltaEvent):
                first_delta.set()

    task = asyncio.create_task(watch())
    async with asyncio.timeout(DEADLINE):
        await first_delta.wait()
    run_id = events[0].run.id  # type: ignore[union-attr]
    killed_at = cluster.kill_driver_of(run_id)
    async with asyncio.timeout(DEADLINE):
        await task
    recovered_in = time.monotonic() - killed_at

    run = await runner.store.get_run(run_id)
    assert run.status == "completed"
    messages = await runner.store.list_messages(run.thread_id)
    assert messages[-1].role == "assistant"
    assert messages[-1].text.strip().endswith("word19")
    assert all(m.status != "in_progress" for m in messages)
    assert recovered_in < 15, f"took {recovered_in:.1f} s after the kill"
    await cluster.assert_workflows_done([run_id])


async def test_an_acknowledged_submit_takes_effect_though_the_worker_dies_around_it(
    cluster: Cluster, runner: Runner
) -> None:
    paused = await runner.run(agents.asker, "look it up")
    assert paused.status == "requires_action"
    # The worker holding the paused run dies; the submit is answered all the same...
    cluster.kill_driver_of(paused.run.id)
    outputs = {call.id: "the-answer-17" for call in paused.pending_tool_calls}

    resumed = await asyncio.wait_for(
        runner.submit_tool_outputs(agents.asker, paused.run.id, outputs), DEADLINE
    )

    # ...and the run continues on the other worker, with the submitted output.
    assert resumed.status == "completed"
    assert "the-answer-17" in resumed.output_text
    await cluster.assert_workflows_done([paused.run.id])
