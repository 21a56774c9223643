"""How the SQLite store changes runs: compare-and-set updates, leases and tool-call records.

Each function here is one operation for `SQLiteConnection.run`: one statement, or one
``BEGIN IMMEDIATE`` transaction. The rules they implement are the store contract's, in
`agentkit.stores.base`; the SQL states each rule in its WHERE clause, so that the check and
the write are one step whatever other process writes to the file.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from typing import Any, NamedTuple

from agentkit.exceptions import ActiveRunError, NotFoundError, UserError
from agentkit.records import (
    ACTIVE_RUN_STATUSES,
    TERMINAL_RUN_STATUSES,
    FunctionToolCall,
    Message,
    Run,
)
from agentkit.stores.base import DRIVEN_RUN_STATUSES, CallRecord, Lease, check_run_messages
from agentkit.stores.sqlite_connection import immediate
from agentkit.stores.sqlite_schema import (
    ACTIVE_RUN,
    INSERT_MESSAGE,
    INSERT_RUN,
    INSERT_THREAD,
    RUN_EXISTS,
    THREAD_EXISTS,
    compact_json,
    insert,
    message_params,
    upsert_step,
)

__all__ = [
    "NewRun",
    "RunRows",
    "call_records",
    "claim_run",
    "create_run",
    "driven_runs",
    "mark_call_started",
    "new_run",
    "record_call_outcome",
    "renew_lease",
    "run_updates",
    "update_run",
]

Statement = tuple[str, tuple[Any, ...]]

_DRIVEN = ", ".join(f"'{status}'" for status in sorted(DRIVEN_RUN_STATUSES))
_TERMINAL = ", ".join(f"'{status}'" for status in sorted(TERMINAL_RUN_STATUSES))
# A stored terminal status may only be saved again as itself.
_NOT_ENDED_OTHERWISE = f"(status = ? OR status NOT IN ({_TERMINAL}))"


class NewRun(NamedTuple):
    """What `create_run` writes: ``INSERT_RUN``'s parameters, its messages', its thread's."""

    run: tuple[Any, ...]
    messages: list[tuple[Any, ...]]
    thread: tuple[str, str, str] | None = None  # (id, project, data): a new thread


# The run is written only if its thread is this project's and has no active run: one
# statement on the path that succeeds; the reason for a refusal is looked up afterwards.
_INSERT_RUN_ON_IDLE_THREAD = """INSERT INTO runs
    (id, project, thread_id, status, active_thread, data, state, owner, lease_expires_at)
    SELECT ?, ?, ?, ?, ?, ?, ?, ?, ?
    WHERE EXISTS (SELECT 1 FROM threads WHERE id = ? AND project = ?)
    AND NOT EXISTS (SELECT 1 FROM runs WHERE active_thread = ?)"""


def new_run(
    run: Run,
    state: dict[str, Any],
    messages: Sequence[Message],
    lease: Lease | None,
    project: str,
) -> NewRun:
    """What `create_run` writes for ``run``, serialized before the transaction begins.

    Raises:
        UserError: a message is not on the run's thread (nothing is written).
    """
    check_run_messages(run, messages)
    thread_id = run.thread_id
    active_thread = thread_id if run.status in ACTIVE_RUN_STATUSES else None
    held = lease if lease and run.status in DRIVEN_RUN_STATUSES else None
    params: tuple[Any, ...] = (run.id, project, thread_id, run.status, active_thread)
    params += (run.model_dump_json(), compact_json(state))
    params += (held and held.owner, held and held.expires_at)
    return NewRun(params, [message_params(m, project) for m in messages])


def create_run(conn: sqlite3.Connection, new: NewRun) -> None:
    """Insert a run with its messages (and its new thread) in one transaction.

    Raises:
        NotFoundError: the run's thread is not this project's (and is not ``new.thread``).
        ActiveRunError: the thread has an active run.
        UserError: the thread, the run or a message id exists.
    """
    with immediate(conn):
        if new.thread is not None:
            # The thread is new in this transaction: it exists and has no run.
            insert(conn, INSERT_THREAD, new.thread, "thread")
            insert(conn, INSERT_RUN, new.run, "run")
        else:
            _insert_run_on_idle_thread(conn, new.run)
        for params in new.messages:
            insert(conn, INSERT_MESSAGE, params, "message")


def _insert_run_on_idle_thread(conn: sqlite3.Connection, params: tuple[Any, ...]) -> None:
    _, project, thread_id = params[:3]
    sql, checks = _INSERT_RUN_ON_IDLE_THREAD, (thread_id, project, thread_id)
    try:
        written = conn.execute(sql, (*params, *checks)).rowcount
    except sqlite3.IntegrityError as exc:
        raise UserError(f"A run with id {params[0]!r} already exists.") from exc
    if written:
        return
    if conn.execute(THREAD_EXISTS, (thread_id, project)).fetchone() is None:
        raise NotFoundError(f"No thread found with id {thread_id!r}.")
    active = conn.execute(ACTIVE_RUN, (thread_id,)).fetchone()
    raise ActiveRunError(f"Thread {thread_id} already has an active run {active[0]}.")


def run_updates(
    run: Run,
    state: str | None,
    expected: tuple[str, ...] | None,
    project: str,
    lease: Lease | None,
) -> tuple[Statement, Statement]:
    """Two UPDATEs of a run, to try in order: one keeps it active, one flips that.

    Most saves keep a run active; the statement that leaves the indexed ``active_thread``
    column alone is three times cheaper, so it goes first, and the other only runs when it
    matched no row. A save that ends the run tries the flip first. Each is a compare-and-set
    on its own: on ``expected``, on the terminal rule, and on the lease's owner when
    ``lease`` is given.
    """
    sets = "status = ?, data = ?"
    values: list[Any] = [run.status, run.model_dump_json()]
    if state is not None:
        sets += ", state = ?"
        values.append(state)
    if run.status not in DRIVEN_RUN_STATUSES:
        sets += ", owner = NULL, lease_expires_at = NULL"
    elif lease is not None:
        sets += ", owner = ?, lease_expires_at = ?"
        values += [lease.owner, lease.expires_at]
    where = f"id = ? AND project = ? AND {_NOT_ENDED_OTHERWISE}"
    keys = [run.id, project, run.status]
    if expected is not None:
        # Not "status IN (?, ?, ?)": SQLite builds a temporary index for an IN list of three
        # or more at every execution, which made the whole UPDATE twice as slow.
        where += f" AND ({' OR '.join(['status = ?'] * len(expected)) or 'FALSE'})"
        keys += expected
    if lease is not None:
        where += " AND (owner IS NULL OR owner = ?)"
        keys.append(lease.owner)
    active = run.status in ACTIVE_RUN_STATUSES
    keep = f"UPDATE runs SET {sets} WHERE {where} AND (active_thread IS NOT NULL) = ?"
    flip = f"UPDATE runs SET {sets}, active_thread = CASE WHEN ? THEN thread_id END WHERE {where}"
    keeping, flipping = (keep, (*values, *keys, active)), (flip, (*values, active, *keys))
    # A run that ends was active: flipping is what it needs, first time.
    return (keeping, flipping) if active else (flipping, keeping)


class RunRows(NamedTuple):
    """What is saved with a run: the parameters of its steps' upserts and messages' inserts."""

    steps: list[tuple[str, str, str, str]]
    messages: list[tuple[Any, ...]]


def update_run(
    run: Run,
    project: str,
    updates: tuple[Statement, Statement],
    rows: RunRows,
    conn: sqlite3.Connection,
) -> bool:
    """Apply `run_updates` and, if the run changed, its rows; whether it changed.

    Raises:
        ActiveRunError: the run would become active beside its thread's active run.
        NotFoundError: there is no such run.
    """
    if not rows.steps and not rows.messages:
        return _update_run(run, project, updates, rows, conn)
    with immediate(conn):
        return _update_run(run, project, updates, rows, conn)


def _update_run(
    run: Run,
    project: str,
    updates: tuple[Statement, Statement],
    rows: RunRows,
    conn: sqlite3.Connection,
) -> bool:
    first, second = updates
    changed = conn.execute(*first).rowcount
    if not changed:
        try:
            changed = conn.execute(*second).rowcount
        except sqlite3.IntegrityError as exc:  # active_thread is UNIQUE
            active = conn.execute(ACTIVE_RUN, (run.thread_id,)).fetchone()
            other = active[0] if active else "(another run)"
            raise ActiveRunError(
                f"Thread {run.thread_id} already has an active run {other}."
            ) from exc
    if not changed:
        if conn.execute(RUN_EXISTS, (run.id, project)).fetchone() is None:
            raise NotFoundError(f"No run found with id {run.id!r}.")
        return False
    for params in rows.steps:
        upsert_step(conn, params)
    for params in rows.messages:
        insert(conn, INSERT_MESSAGE, params, "message")
    return True


_DRIVEN_RUNS = f"""SELECT data, owner, lease_expires_at FROM runs
    WHERE project = ? AND status IN ({_DRIVEN}) ORDER BY seq"""


def driven_runs(conn: sqlite3.Connection, project: str) -> list[tuple[Run, Lease | None]]:
    """The project's runs in a driven status, with their leases."""
    rows = conn.execute(_DRIVEN_RUNS, (project,)).fetchall()
    return [
        (Run.model_validate_json(data), None if owner is None else Lease(owner, expires_at))
        for data, owner, expires_at in rows
    ]


_CLAIM = f"""UPDATE runs SET owner = ?, lease_expires_at = ?
    WHERE id = ? AND project = ? AND status IN ({_DRIVEN})
    AND owner IS ? AND lease_expires_at IS ?"""


def claim_run(
    conn: sqlite3.Connection, run_id: str, project: str, lease: Lease, current: Lease | None
) -> bool | None:
    """Whether the claim won; None when there is no such run."""
    seen = (current.owner, current.expires_at) if current else (None, None)
    if conn.execute(_CLAIM, (lease.owner, lease.expires_at, run_id, project, *seen)).rowcount:
        return True
    return False if _run_exists(conn, run_id, project) else None


_RENEW = f"""UPDATE runs SET lease_expires_at = ?
    WHERE id = ? AND project = ? AND status IN ({_DRIVEN}) AND owner = ?"""


def renew_lease(conn: sqlite3.Connection, run_id: str, project: str, lease: Lease) -> bool:
    """Whether the owner's lease was extended (the run is still driven and theirs)."""
    return bool(conn.execute(_RENEW, (lease.expires_at, run_id, project, lease.owner)).rowcount)


# INSERT ... SELECT: the row is only written when the fence (the run's status and owner)
# holds; the WHERE makes SQLite parse the ON CONFLICT as the upsert clause.
_MARK = """INSERT INTO tool_calls (run_id, step_id, call_id, started)
    SELECT id, ?, ?, 1 FROM runs
    WHERE id = ? AND project = ? AND status = 'in_progress' AND owner = ?
    ON CONFLICT (run_id, step_id, call_id) DO UPDATE SET started = 1"""


def mark_call_started(
    conn: sqlite3.Connection, run_id: str, project: str, step_id: str, call_id: str, owner: str
) -> bool:
    """Whether the mark was recorded (the run is ``in_progress`` and owned by ``owner``)."""
    return bool(conn.execute(_MARK, (step_id, call_id, run_id, project, owner)).rowcount)


_RECORD = """INSERT INTO tool_calls (run_id, step_id, call_id, outcome)
    SELECT id, ?, ?, ? FROM runs WHERE id = ? AND project = ?
    ON CONFLICT (run_id, step_id, call_id) DO UPDATE SET outcome = excluded.outcome
    WHERE tool_calls.outcome IS NULL"""


def record_call_outcome(
    conn: sqlite3.Connection, run_id: str, project: str, step_id: str, call: FunctionToolCall
) -> bool | None:
    """Whether this outcome was recorded; None when there is no such run."""
    params = (step_id, call.id, call.model_dump_json(), run_id, project)
    if conn.execute(_RECORD, params).rowcount:
        return True
    return False if _run_exists(conn, run_id, project) else None


_RECORDS = """SELECT call_id, started, outcome FROM tool_calls
    WHERE run_id = ? AND step_id = ? ORDER BY seq"""


def call_records(
    conn: sqlite3.Connection, run_id: str, project: str, step_id: str
) -> list[CallRecord] | None:
    """The step's call records; None when there is no such run."""
    if not _run_exists(conn, run_id, project):
        return None
    return [
        CallRecord(
            step_id,
            call_id,
            bool(started),
            None if outcome is None else FunctionToolCall.model_validate_json(outcome),
        )
        for call_id, started, outcome in conn.execute(_RECORDS, (run_id, step_id))
    ]


def _run_exists(conn: sqlite3.Connection, run_id: str, project: str) -> bool:
    return conn.execute(RUN_EXISTS, (run_id, project)).fetchone() is not None
