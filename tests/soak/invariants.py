"""The soak's end-of-run checks: every run ended with a reason, every call answered once, the
SQLite file consistent, and nothing (tasks, threads, descriptors, memory) left behind."""

from __future__ import annotations

import asyncio
import gc
import os
import sqlite3
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from agentkit.events import RunEvent, ToolCallFinishedEvent, ToolCallStartedEvent
from agentkit.runs.objects import Run, RunStep, ToolCallsStepDetails
from agentkit.stores.base import Store

TERMINAL = {"completed", "failed", "cancelled", "expired", "incomplete"}


def reason_missing(run: Run) -> str | None:
    """Why ``run`` fails the "terminal with a reason" invariant, or None if it passes."""
    if run.status not in TERMINAL:
        return f"{run.id} is still {run.status}"
    checks = {
        "completed": run.completed_at is not None,
        "failed": run.last_error is not None and bool(run.last_error.message),
        "incomplete": run.incomplete_details is not None and bool(run.incomplete_details.reason),
        "cancelled": run.cancelled_at is not None,
        "expired": run.expires_at is not None and run.expires_at <= time.time() + 1,
    }
    return None if checks[run.status] else f"{run.id} ended {run.status} without a reason"


def step_problems(run: Run, steps: list[RunStep]) -> list[str]:
    """Tool calls without exactly one output in a completed step; steps left in progress."""
    problems = []
    seen: Counter[str] = Counter()
    for step in steps:
        if step.status == "in_progress":
            problems.append(f"{run.id}: step {step.id} still in progress (run {run.status})")
        if not isinstance(step.step_details, ToolCallsStepDetails):
            continue
        for call in step.step_details.tool_calls:
            seen[call.id] += 1
            if step.status == "completed" and call.function.output is None:
                problems.append(f"{run.id}: call {call.id} has no output in a completed step")
    problems += [f"{run.id}: call {cid} recorded {n} times" for cid, n in seen.items() if n > 1]
    return problems


def event_problems(run: Run, events: list[RunEvent]) -> list[str]:
    """Every started call finished exactly once (in-flight calls of interrupted runs aside)."""
    started = Counter(e.call_id for e in events if isinstance(e, ToolCallStartedEvent))
    finished = Counter(e.call_id for e in events if isinstance(e, ToolCallFinishedEvent))
    problems = [f"{run.id}: call {c} finished {n} times" for c, n in finished.items() if n > 1]
    problems += [f"{run.id}: call {c} finished, never started" for c in finished - started]
    if run.status not in ("cancelled", "expired"):
        problems += [f"{run.id}: call {c} never finished" for c in started - finished]
    return problems


async def store_problems(store: Store, thread_ids: list[str]) -> tuple[Counter[str], list[str]]:
    """Statuses of every run on these threads, and every invariant they break."""
    statuses: Counter[str] = Counter()
    problems = [f"active run left: {r.id} ({r.status})" for r in await store.active_runs()]
    for thread_id in thread_ids:
        for run in await store.list_runs(thread_id, limit=100):
            statuses[run.status] += 1
            if (missing := reason_missing(run)) is not None:
                problems.append(missing)
            problems += step_problems(run, await store.list_steps(run.id, limit=100))
    return statuses, problems


def sqlite_problems(path: Path) -> list[str]:
    """Orphan steps, messages and runs, read straight from the file."""
    queries = {
        "orphan steps": "SELECT count(*) FROM steps WHERE run_id NOT IN (SELECT id FROM runs)",
        "orphan runs": "SELECT count(*) FROM runs WHERE thread_id NOT IN (SELECT id FROM threads)",
        "orphan messages": "SELECT count(*) FROM messages "
        "WHERE thread_id NOT IN (SELECT id FROM threads)",
        "active runs": "SELECT count(*) FROM runs WHERE active_thread IS NOT NULL",
        "steps in progress": "SELECT count(*) FROM steps "
        "WHERE json_extract(data, '$.status') = 'in_progress'",
    }
    with sqlite3.connect(path) as conn:
        counts = {name: conn.execute(sql).fetchone()[0] for name, sql in queries.items()}
        check = conn.execute("PRAGMA integrity_check").fetchone()[0]
    conn.close()
    problems = [f"{name}: {count}" for name, count in counts.items() if count]
    return problems if check == "ok" else [*problems, f"integrity_check: {check}"]


@dataclass
class Leftovers:
    """What the process holds before the soak, to compare with what it holds after."""

    threads: set[int] = field(default_factory=lambda: {t.ident or 0 for t in threading.enumerate()})
    fds: int = field(default_factory=lambda: len(os.listdir("/proc/self/fd")))

    async def problems(self, *, settle: float = 5.0) -> list[str]:
        """Tasks, threads and descriptors left behind (waits for abandoned tool threads)."""
        tasks = asyncio.all_tasks() - {asyncio.current_task()}
        deadline = time.monotonic() + settle
        while self._new_threads() and time.monotonic() < deadline:  # noqa: ASYNC110 - threads
            await asyncio.sleep(0.05)
        gc.collect()
        problems = [f"task left: {t.get_name()} {t.get_coro()!r}" for t in tasks]
        problems += [f"thread left: {name}" for name in self._new_threads()]
        fds = len(os.listdir("/proc/self/fd"))
        if fds > self.fds:
            problems.append(f"{fds - self.fds} file descriptors left open")
        return problems

    def _new_threads(self) -> list[str]:
        return [t.name for t in threading.enumerate() if (t.ident or 0) not in self.threads]
