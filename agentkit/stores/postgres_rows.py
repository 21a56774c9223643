"""Rows of the Postgres store: inserts that name what already exists, step upserts, JSON text.

Each function runs one statement on the caller's connection, inside the caller's transaction
when there is one; a failed statement aborts that transaction, which is what every caller
wants (a refused write changes nothing).
"""

from __future__ import annotations

import json
from typing import Any

from psycopg import AsyncConnection, errors

from agentkit.exceptions import ActiveRunError, NotFoundError, UserError
from agentkit.records import Message, Run
from agentkit.stores.postgres_schema import ACTIVE_RUN, RUN_EXISTS, UPSERT_STEP

__all__ = [
    "ONE_ACTIVE_RUN",
    "compact_json",
    "insert",
    "message_params",
    "second_active_run",
    "upsert_step",
]

Conn = AsyncConnection[Any]

ONE_ACTIVE_RUN = "runs_one_active_per_thread"
"""The unique index that holds the one-active-run rule."""


async def insert(conn: Conn, sql: str, params: tuple[Any, ...], what: str) -> None:
    """Run an INSERT; a duplicate id (``params[0]``) is a UserError naming ``what``."""
    try:
        await conn.execute(sql, params)
    except errors.UniqueViolation as exc:
        if exc.diag.constraint_name == ONE_ACTIVE_RUN:
            raise ActiveRunError(f"Thread {params[2]} already has an active run.") from exc
        raise UserError(f"A {what} with id {params[0]!r} already exists.") from exc


async def upsert_step(conn: Conn, params: tuple[str, str, str, str]) -> None:
    """Insert or replace a step (``UPSERT_STEP``); NotFoundError naming what is missing."""
    if (await conn.execute(UPSERT_STEP, params)).rowcount:
        return
    step_id, _, run_id, project = params
    if await (await conn.execute(RUN_EXISTS, (run_id, project))).fetchone() is None:
        raise NotFoundError(f"No run found with id {run_id!r}.")
    raise NotFoundError(f"No run step found with id {step_id!r} on run {run_id!r}.")


async def second_active_run(conn: Conn, run: Run) -> ActiveRunError:
    """The error for ``run`` becoming active beside its thread's active run (named)."""
    active = await (await conn.execute(ACTIVE_RUN, (run.thread_id,))).fetchone()
    other = active[0] if active else "(another run)"
    return ActiveRunError(f"Thread {run.thread_id} already has an active run {other}.")


def message_params(message: Message, project: str) -> tuple[Any, ...]:
    """The parameters of ``INSERT_MESSAGE`` for ``message``."""
    data = message.model_dump_json()
    return (message.id, project, message.thread_id, message.run_id, data)


def compact_json(value: dict[str, Any]) -> str:
    """``value`` as JSON without spaces (how states and assistants are stored)."""
    return json.dumps(value, separators=(",", ":"))
