"""``Runner(store).cancel(run_id)`` from another process: the cancel wins, the run ends
``cancelled``, and no tool starts after it."""

from __future__ import annotations

import asyncio
import random
import time
from pathlib import Path

from agentkit import Runner
from agentkit.stores import SQLiteStore

from .agents import effects
from .conftest import Worker, integrity_ok


async def started_marks(runner: Runner, run_id: str) -> set[str]:
    marks = set()
    for step in await runner.store.list_steps(run_id):
        marks |= {r.call_id for r in await runner.store.call_records(run_id, step.id) if r.started}
    return marks


async def test_a_cancel_from_another_process_wins_and_no_tool_starts_after_it(
    tmp_path: Path,
) -> None:
    rng = random.Random(16_4)
    for attempt in range(3):
        db, side = tmp_path / f"{attempt}.db", tmp_path / f"{attempt}.txt"
        worker = await Worker.start("job", str(db), str(side))
        try:
            run_id = (await worker.until("RUN")).split()[1]
            await worker.until("TOOLS")
            await asyncio.sleep(rng.uniform(0.0, 0.6))
            async with Runner(SQLiteStore(db)) as canceller:
                cancelled = await canceller.cancel(run_id)
                asked = time.monotonic()
                marked = await started_marks(canceller, run_id)
                lines = await worker.rest(within=10)
                stopped = time.monotonic() - asked
                stored = await canceller.store.get_run(run_id)
                steps = await canceller.store.list_steps(run_id)
        finally:
            await worker.kill()
        started = {line.split()[1] for line in effects(side) if line.startswith("start")}
        context = f"attempt {attempt}: marked {marked}, started {started}, lines {lines}"
        assert cancelled.status == "cancelled", context
        assert started <= marked, context  # no tool started after the cancel
        assert len(started) < 8, context  # the job was cut short
        assert lines[-1] == "END cancelled", context
        assert stored.status == "cancelled" and stored.cancelled_at is not None, context
        assert [s.status for s in steps] == ["cancelled"], context
        # The worker's lease heartbeat is 0.2 s: it stopped its tools well within a second.
        assert stopped < 5, context
        integrity_ok(db)
