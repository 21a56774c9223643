"""Kill sweep: many workers killed with ``kill -9`` at random moments, a recoverer continuing.

Each worker process drives one run (three turns of four parallel tool calls, one of them
idempotent, then an answer) on one shared SQLite file and is killed at a random moment of
it. This process plays the other process: it polls for orphaned runs every 50 ms, as
``agentkit serve`` does at each sweep (faster here), continues them, and checks every run:

- it completed, and ``PRAGMA integrity_check`` is clean at the end;
- no call reported finished before the kill ran again or was reported interrupted;
- no non-idempotent call ran twice (side effects are counted in a file).

It prints how long a killed run took to continue (from the SIGKILL to the recovered run's
first event). A worker on this host that died is detected at once; ``--lapse`` also kills
workers whose owner id names another host, which must wait for their lease to lapse.

    .venv/bin/python bench/durability_sweep.py                 # 40 kills
    .venv/bin/python bench/durability_sweep.py --kills 200 --lapse
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import random
import signal
import sqlite3
import sys
import tempfile
import time
from collections import Counter
from contextlib import aclosing
from dataclasses import dataclass, field
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))

from measure import summarize  # noqa: E402
from report import Table  # noqa: E402

from agentkit import Agent, RunContext, Runner, tool  # noqa: E402
from agentkit.events import RunStatusEvent, ToolCallFinishedEvent  # noqa: E402
from agentkit.exceptions import InvalidRunStateError  # noqa: E402
from agentkit.models import ModelRequest  # noqa: E402
from agentkit.records import ToolCallsStepDetails  # noqa: E402
from agentkit.runs.lease import new_owner  # noqa: E402
from agentkit.runs.recovery import Orphan  # noqa: E402
from agentkit.stores import SQLiteStore  # noqa: E402
from agentkit.testing import FunctionInfo, FunctionModel, ModelTurn, call_tool  # noqa: E402

TURNS, CALLS = 3, 4
LAPSE_TTL = 2.0


def _effect(path: Path, text: str) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT)
    try:
        os.write(fd, f"{text}\n".encode())
    finally:
        os.close(fd)


@tool
async def send(ctx: RunContext[Path], i: int) -> str:
    """Send a message (not idempotent).

    Args:
        i: which message.
    """
    await asyncio.sleep(0.02 + 0.03 * i)
    _effect(ctx.deps, f"{ctx.call_id}")
    return f"sent {i}"


@tool(idempotent=True)
async def lookup(ctx: RunContext[Path]) -> str:
    """Look something up (idempotent)."""
    await asyncio.sleep(0.05)
    _effect(ctx.deps, f"{ctx.call_id}")
    return "found"


def _turn(request: ModelRequest, info: FunctionInfo) -> ModelTurn:
    if info.turn > TURNS:
        return ModelTurn(text="done")
    step = sum(1 for item in request.items if item.kind == "tool_output") // CALLS
    calls = [call_tool("send", {"i": i}, call_id=f"send_{step}_{i}") for i in range(CALLS - 1)]
    return ModelTurn(tool_calls=(*calls, call_tool("lookup", {}, call_id=f"lookup_{step}")))


def agent() -> Agent[Path]:
    return Agent(name="sweep", model=FunctionModel(_turn), tools=[send, lookup])


# -- the worker ------------------------------------------------------------------------------
async def worker(db: str, effects: str, foreign: str) -> None:
    """Drive one run, printing RUN, FINISHED <call> and END lines, until killed."""
    owner = f"elsewhere:{os.getpid()}:0:0" if foreign == "1" else new_owner()
    async with Runner(SQLiteStore(db), owner=owner, lease_ttl=LAPSE_TTL, heartbeat=0.5) as r:
        said_run = False
        async for event in r.iter_run(agent(), "go", deps=Path(effects)):
            if isinstance(event, RunStatusEvent) and not said_run:
                said_run = True
                print(f"RUN {event.run.id}", flush=True)
            elif isinstance(event, ToolCallFinishedEvent):
                print(f"FINISHED {event.call_id}", flush=True)
        print("END", flush=True)


# -- the sweep -------------------------------------------------------------------------------
@dataclass
class Kill:
    run_id: str
    effects: Path
    foreign: bool
    finished: set[str] = field(default_factory=set)
    killed_at: float = 0.0
    mid_run: bool = True
    continued_at: float | None = None


@dataclass
class Sweep:
    db: Path
    kills: dict[str, Kill] = field(default_factory=dict)
    violations: list[str] = field(default_factory=list)
    interrupted: int = 0
    reruns: int = 0
    progress: asyncio.Event = field(default_factory=asyncio.Event)


async def recoverer(sweep: Sweep, stop: asyncio.Event) -> None:
    """Poll for orphans every 50 ms and continue each, noting when it continued."""
    drives: set[asyncio.Task[None]] = set()
    async with Runner(SQLiteStore(sweep.db)) as runner:
        while not stop.is_set():
            for orphan in await runner.orphans():
                task = asyncio.create_task(_continue(runner, orphan, sweep))
                drives.add(task)
                task.add_done_callback(drives.discard)
            await asyncio.sleep(0.05)
        if drives:
            await asyncio.wait(drives)


async def _continue(runner: Runner, orphan: Orphan, sweep: Sweep) -> None:
    kill = sweep.kills.get(orphan.run.id)
    events = runner.iter_recover(agent(), orphan, deps=kill.effects if kill else None)
    try:
        async with aclosing(events):
            async for _ in events:
                if kill is not None and kill.continued_at is None:
                    kill.continued_at = time.monotonic()
                    sweep.progress.set()
    except InvalidRunStateError:  # an earlier poll's drive claimed it first
        return


async def kill_one(sweep: Sweep, index: int, rng: random.Random, foreign: bool) -> None:
    effects = sweep.db.parent / f"effects-{index}.txt"
    command = [sys.executable, __file__, "worker", str(sweep.db), str(effects), str(int(foreign))]
    process = await asyncio.create_subprocess_exec(*command, stdout=asyncio.subprocess.PIPE)
    assert process.stdout is not None
    run_id = (await process.stdout.readline()).decode().split()[1]
    kill = sweep.kills[run_id] = Kill(run_id, effects, foreign)
    await asyncio.sleep(rng.uniform(0.0, 0.4))  # a run lasts about 0.4 s
    with contextlib.suppress(ProcessLookupError):  # a fast machine may have finished the run
        os.kill(process.pid, signal.SIGKILL)
    kill.killed_at = time.monotonic()
    await process.wait()
    lines = (await process.stdout.read()).decode().splitlines()
    kill.finished = {line.split()[1] for line in lines if line.startswith("FINISHED")}
    kill.mid_run = "END" not in lines


async def check(sweep: Sweep) -> Counter[str]:
    statuses: Counter[str] = Counter()
    async with SQLiteStore(sweep.db) as store:
        for run_id, kill in sweep.kills.items():
            run = await store.get_run(run_id)
            statuses[run.status] += 1
            ran = _effects(kill.effects)
            for step in await store.list_steps(run_id):
                if isinstance(step.step_details, ToolCallsStepDetails):
                    for call in step.step_details.tool_calls:
                        _check_call(sweep, kill, call.id, call.error, ran[call.id])
    conn = sqlite3.connect(sweep.db)
    if conn.execute("PRAGMA integrity_check").fetchall() != [("ok",)]:
        sweep.violations.append("integrity_check failed")
    conn.close()
    return statuses


def _effects(path: Path) -> Counter[str]:
    return Counter(path.read_text().split() if path.exists() else [])


def _check_call(sweep: Sweep, kill: Kill, call_id: str, error: object, ran: int) -> None:
    interrupted = getattr(error, "code", None) == "interrupted"
    sweep.interrupted += interrupted
    if call_id in kill.finished and (ran != 1 or interrupted):
        sweep.violations.append(f"{kill.run_id}: {call_id} finished before the kill, ran {ran}")
    if call_id.startswith("send") and ran > 1:
        sweep.violations.append(f"{kill.run_id}: {call_id} ran {ran} times")
    if call_id.startswith("lookup") and ran > 1:
        sweep.reruns += 1


async def main(kills: int, lapse: bool, seed: int) -> None:
    rng = random.Random(seed)
    with tempfile.TemporaryDirectory() as tmp:
        sweep = Sweep(Path(tmp) / "sweep.db")
        async with SQLiteStore(sweep.db):
            pass  # create the file before the processes race for it
        stop = asyncio.Event()
        polling = asyncio.create_task(recoverer(sweep, stop))
        started = time.monotonic()
        for index in range(kills):
            await kill_one(sweep, index, rng, foreign=lapse and index % 2 == 1)
        async with asyncio.timeout(60):
            while any(k.continued_at is None and k.mid_run for k in sweep.kills.values()):
                await sweep.progress.wait()
                sweep.progress.clear()
        stop.set()
        await polling
        statuses = await check(sweep)
        _report(sweep, statuses, time.monotonic() - started)


def _report(sweep: Sweep, statuses: Counter[str], elapsed: float) -> None:
    kills = list(sweep.kills.values())
    table = Table(f"Kill sweep: {len(kills)} workers killed -9 at random moments ({elapsed:.0f} s)")
    table.header("figure", "value")
    table.row("killed mid-run", str(sum(k.mid_run for k in kills)))
    table.row("runs by final status", ", ".join(f"{s} {n}" for s, n in sorted(statuses.items())))
    table.row("calls reported interrupted", str(sweep.interrupted))
    table.row("idempotent calls whose side effect ran twice", str(sweep.reruns))
    table.row("violations", str(len(sweep.violations)))
    for label, foreign in (
        ("owner on this host (dead pid seen)", False),
        ("owner elsewhere (lease lapse)", True),
    ):
        waits = [
            (k.continued_at - k.killed_at) * 1000
            for k in kills
            if k.foreign == foreign and k.mid_run and k.continued_at is not None
        ]
        if waits:
            s = summarize(waits)
            table.row(
                f"kill to continuing, {label}, ms",
                f"median {s.median:.0f}, p95 {s.p95:.0f}, max {max(waits):.0f} (n={s.n})",
            )
    table.note(
        f"recoverer polls every 50 ms; lease ttl {LAPSE_TTL:g} s for the lapse case; "
        "agentkit serve recovers at start-up and every sweep_interval (5 s by default)"
    )
    table.show()
    for violation in sweep.violations[:20]:
        print("VIOLATION", violation)


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "worker":
        asyncio.run(worker(*sys.argv[2:5]))
    else:
        parser = argparse.ArgumentParser(description=__doc__)
        parser.add_argument("--kills", type=int, default=40)
        parser.add_argument("--lapse", action="store_true", help="half the owners elsewhere")
        parser.add_argument("--seed", type=int, default=16)
        args = parser.parse_args()
        asyncio.run(main(args.kills, args.lapse, args.seed))
