"""How the Postgres store changes runs: compare-and-set updates, leases and tool-call records.

Each function here is one statement, or runs inside the caller's transaction. The rules are
the store contract's (`agentkit.stores.base`); as in the SQLite store, the SQL states each
rule in its WHERE clause, so that the check and the write are one step whatever other
process writes to the database.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from psycopg import AsyncConnection

from agentkit.records import TERMINAL_RUN_STATUSES, FunctionToolCall, Message, Run
from agentkit.stores.base import DRIVEN_RUN_STATUSES, CallRecord, Lease
from agentkit.stores.postgres_rows import compact_json, insert, message_params
from agentkit.stores.postgres_schema import INSERT_MESSAGE, INSERT_RUN, RUN_EXISTS

__all__ = [
    "call_records",
    "claim_run",
    "driven_runs",
    "mark_call_started",
    "record_call_outcome",
    "renew_lease",
    "run_inserts",
    "run_update",
]

Conn = AsyncConnection[Any]

_DRIVEN = ", ".join(f"'{status}'" for status in sorted(DRIVEN_RUN_STATUSES))
_TERMINAL = ", ".join(f"'{status}'" for status in sorted(TERMINAL_RUN_STATUSES))


def run_inserts(
    run: Run, state: dict[str, Any], messages: Sequence[Message], lease: Lease | None, project: str
) -> Callable[[Conn], Awaitable[None]]:
    """A new run's and its messages' INSERTs, serialized now, to run in the caller's transaction.

    Serializing first means a message that cannot be stored changes nothing.
    """
    held = lease if lease and run.status in DRIVEN_RUN_STATUSES else None
    params: tuple[Any, ...] = (run.id, project, run.thread_id, run.status)
    params += (run.model_dump_json(), compact_json(state), held and held.owner)
    params += (held and held.expires_at,)
    rows = [message_params(m, project) for m in messages]

    async def write(conn: Conn) -> None:
        for row in rows:
            await insert(conn, INSERT_MESSAGE, row, "message")
        await insert(conn, INSERT_RUN, params, "run")

    return write


def run_update(
    run: Run,
    state: str | None,
    expected: list[str] | None,
    project: str,
    lease: Lease | None,
) -> tuple[str, tuple[Any, ...]]:
    """The UPDATE that saves ``run`` if the contract allows it: one compare-and-set.

    It checks ``expected``, the terminal rule (a stored terminal status may only be saved
    again as itself), and, with ``lease``, that the run is unowned or ``lease.owner``'s; it
    drops the lease of a run that is paused or ended, and takes ``lease`` otherwise.
    """
    sets = "status = %s, data = %s"
    values: list[Any] = [run.status, run.model_dump_json()]
    if state is not None:
        sets += ", state = %s"
        values.append(state)
    if run.status not in DRIVEN_RUN_STATUSES:
        sets += ", owner = NULL, lease_expires_at = NULL"
    elif lease is not None:
        sets += ", owner = %s, lease_expires_at = %s"
        values += [lease.owner, lease.expires_at]
    where = f"id = %s AND project = %s AND (status = %s OR status NOT IN ({_TERMINAL}))"
    keys: list[Any] = [run.id, project, run.status]
    if expected is not None:
        where += " AND status = ANY(%s)"
        keys.append(expected)
    if lease is not None:
        where += " AND (owner IS NULL OR owner = %s)"
        keys.append(lease.owner)
    return f"UPDATE agentkit.runs SET {sets} WHERE {where}", (*values, *keys)


_DRIVEN_RUNS = f"""SELECT data, owner, lease_expires_at FROM agentkit.runs
    WHERE project = %s AND status IN ({_DRIVEN}) ORDER BY seq"""


async def driven_runs(conn: Conn, project: str) -> list[tuple[Run, Lease | None]]:
    """The project's runs in a driven status, with their leases."""
    rows = await (await conn.execute(_DRIVEN_RUNS, (project,))).fetchall()
    return [
        (Run.model_validate_json(data), None if owner is None else Lease(owner, expires_at))
        for data, owner, expires_at in rows
    ]


_DRIVEN_RUN = f"""SELECT data, owner, lease_expires_at FROM agentkit.runs
    WHERE id = %s AND project = %s AND status IN ({_DRIVEN})"""


async def driven_run(conn: Conn, run_id: str, project: str) -> tuple[Run, Lease | None] | None:
    """The run with its lease, if it is in a driven status."""
    row = await (await conn.execute(_DRIVEN_RUN, (run_id, project))).fetchone()
    if row is None:
        return None
    data, owner, expires_at = row
    return Run.model_validate_json(data), None if owner is None else Lease(owner, expires_at)


# IS NOT DISTINCT FROM: NULL (an unowned run) equals NULL. Lease times are float64 both in
# Python and in the column, so the comparison is exact.
_CLAIM = f"""UPDATE agentkit.runs SET owner = %s, lease_expires_at = %s
    WHERE id = %s AND project = %s AND status IN ({_DRIVEN})
    AND owner IS NOT DISTINCT FROM %s AND lease_expires_at IS NOT DISTINCT FROM %s"""


async def claim_run(
    conn: Conn, run_id: str, project: str, lease: Lease, current: Lease | None
) -> bool | None:
    """Whether the claim won; None when there is no such run."""
    seen = (current.owner, current.expires_at) if current else (None, None)
    params = (lease.owner, lease.expires_at, run_id, project, *seen)
    if (await conn.execute(_CLAIM, params)).rowcount:
        return True
    return False if await _run_exists(conn, run_id, project) else None


_RENEW = f"""UPDATE agentkit.runs SET lease_expires_at = %s
    WHERE id = %s AND project = %s AND status IN ({_DRIVEN}) AND owner = %s"""


async def renew_lease(conn: Conn, run_id: str, project: str, lease: Lease) -> bool:
    """Whether the owner's lease was extended (the run is still driven and theirs)."""
    params = (lease.expires_at, run_id, project, lease.owner)
    return bool((await conn.execute(_RENEW, params)).rowcount)


# INSERT ... SELECT: the row is only written when the fence (the run's status and owner) holds.
_MARK = """INSERT INTO agentkit.tool_calls (run_id, step_id, call_id, started)
    SELECT id, %s, %s, true FROM agentkit.runs
    WHERE id = %s AND project = %s AND status = 'in_progress' AND owner = %s
    ON CONFLICT (run_id, step_id, call_id) DO UPDATE SET started = true"""


async def mark_call_started(
    conn: Conn, run_id: str, project: str, step_id: str, call_id: str, owner: str
) -> bool:
    """Whether the mark was recorded (the run is ``in_progress`` and owned by ``owner``)."""
    params = (step_id, call_id, run_id, project, owner)
    return bool((await conn.execute(_MARK, params)).rowcount)


_RECORD = """INSERT INTO agentkit.tool_calls (run_id, step_id, call_id, outcome)
    SELECT id, %s, %s, %s FROM agentkit.runs WHERE id = %s AND project = %s
    ON CONFLICT (run_id, step_id, call_id) DO UPDATE SET outcome = excluded.outcome
    WHERE tool_calls.outcome IS NULL"""


async def record_call_outcome(
    conn: Conn, run_id: str, project: str, step_id: str, call: FunctionToolCall
) -> bool | None:
    """Whether this outcome was recorded; None when there is no such run."""
    params = (step_id, call.id, call.model_dump_json(), run_id, project)
    if (await conn.execute(_RECORD, params)).rowcount:
        return True
    return False if await _run_exists(conn, run_id, project) else None


_RECORDS = """SELECT call_id, started, outcome FROM agentkit.tool_calls
    WHERE run_id = %s AND step_id = %s ORDER BY seq"""


async def call_records(
    conn: Conn, run_id: str, project: str, step_id: str
) -> list[CallRecord] | None:
    """The step's call records; None when there is no such run."""
    if not await _run_exists(conn, run_id, project):
        return None
    rows = await (await conn.execute(_RECORDS, (run_id, step_id))).fetchall()
    return [
        CallRecord(
            step_id,
            call_id,
            bool(started),
            None if outcome is None else FunctionToolCall.model_validate_json(outcome),
        )
        for call_id, started, outcome in rows
    ]


async def _run_exists(conn: Conn, run_id: str, project: str) -> bool:
    return await (await conn.execute(RUN_EXISTS, (run_id, project))).fetchone() is not None
