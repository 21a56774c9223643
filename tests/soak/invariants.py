"""The soak's end-of-run checks: every run ended with a reason, every call answered once, the
SQLite file consistent, and nothing (tasks, threads, descriptors, child processes, memory)
left behind."""

from __future__ import annotations

import asyncio
import gc
import os
import re
import sqlite3
import threading
import time
import warnings
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType

from agentkit.events import RunEvent, ToolCallFinishedEvent, ToolCallStartedEvent
from agentkit.records import Run, RunStep, ToolCallsStepDetails
from agentkit.stores import Store

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
    children: set[str] = field(default_factory=lambda: set(child_processes()))

    async def problems(self, *, settle: float = 5.0) -> list[str]:
        """Tasks, threads, descriptors and child processes (MCP servers: running or zombie)
        left behind (waits for abandoned tool threads)."""
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
        problems += [
            f"child process left: {c}" for c in child_processes() if c not in self.children
        ]
        return problems

    def _new_threads(self) -> list[str]:
        # `asyncio_N` threads are the event loop's default executor, which anyio uses to
        # resolve addresses when httpx2 opens a connection; the pool grows with concurrent
        # connects and is shut down with the loop. agentkit itself never uses it.
        return [
            t.name
            for t in threading.enumerate()
            if (t.ident or 0) not in self.threads and not _LOOP_EXECUTOR.fullmatch(t.name)
        ]


_LOOP_EXECUTOR = re.compile(r"asyncio_\d+")


def child_processes() -> list[str]:
    """This process's children, zombies included, as ``pid state command``."""
    me = str(os.getpid())
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:  # it ended while we looked
            continue
        name_end = stat.rindex(")")
        state, parent = stat[name_end + 2 :].split()[:2]
        if parent == me:
            found.append(f"{entry.name} {state} {stat[stat.index('(') + 1 : name_end]}")
    return sorted(found)


@dataclass
class ConnectionsClosedByGC:
    """The ResourceWarnings raised while active: the allowed ones counted, the rest problems.

    Allowed: a client connection to one of ``server_ports`` that the garbage collector closed.
    httpcore2 closes connections in cleanup code shielded with an anyio cancel scope, which
    does not hold back a plain asyncio cancellation (a run's deadline, a cancelled caller):
    when one lands there, the pool drops connections without closing them and CPython's
    refcounting closes them at once, with this warning (encode/httpcore#922). Anything
    else, a server-side connection or any other resource, is a leak.
    """

    server_ports: set[int] = field(default_factory=set)
    allowed: int = 0
    _others: list[str] = field(default_factory=list)
    _catcher: warnings.catch_warnings[list[warnings.WarningMessage]] | None = None
    _log: list[warnings.WarningMessage] = field(default_factory=list)

    def __enter__(self) -> ConnectionsClosedByGC:
        self._catcher = warnings.catch_warnings(record=True)
        self._log = self._catcher.__enter__()
        warnings.simplefilter("error")
        warnings.simplefilter("always", ResourceWarning)
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        assert self._catcher is not None
        self._catcher.__exit__(kind, exc, tb)
        for warning in self._log:
            if self._is_client_connection(warning):
                self.allowed += 1
            else:
                self._others.append(f"{warning.category.__name__}: {warning.message}")

    def problems(self) -> list[str]:
        """Every warning that was not an allowed client connection."""
        return list(self._others)

    def _is_client_connection(self, warning: warnings.WarningMessage) -> bool:
        if not issubclass(warning.category, ResourceWarning):
            return False
        source = warning.source
        if isinstance(source, asyncio.BaseTransport):  # the address outlives the socket
            peer = source.get_extra_info("peername")
            return isinstance(peer, tuple) and peer[1] in self.server_ports
        # A bare socket names its addresses in the message, written before it is closed.
        found = re.search(r"raddr=\('127\.0\.0\.1', (\d+)\)", str(warning.message))
        return found is not None and int(found[1]) in self.server_ports
