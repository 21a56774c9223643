"""A store in a PostgreSQL database: shared by every process and machine that can reach it.

Objects are stored as their JSON next to the few columns queries need (see
`postgres_schema`). Each method is one statement or one transaction, so the invariants in
`agentkit.stores.base` hold across processes: writes that check a thread's active run lock the
thread's row first, and a unique index on the active runs of a thread backs the one-active-run
rule in the database itself.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Collection, Sequence
from typing import Any, TypeVar

from psycopg import AsyncConnection, errors

from agentkit.exceptions import ActiveRunError, NotFoundError
from agentkit.records import ACTIVE_RUN_STATUSES, Message, Run, RunStep, Thread
from agentkit.stores import postgres_runs as pg_runs
from agentkit.stores.assistants import AssistantsStore
from agentkit.stores.base import (
    Lease,
    ListOrder,
    check_run_messages,
    check_thread_run,
)
from agentkit.stores.postgres_files import PostgresFiles
from agentkit.stores.postgres_leases import PostgresLeases
from agentkit.stores.postgres_pool import PostgresPool
from agentkit.stores.postgres_rows import (
    ONE_ACTIVE_RUN,
    compact_json,
    insert,
    message_params,
    second_active_run,
    upsert_step,
)
from agentkit.stores.postgres_schema import (
    ACTIVE_RUN,
    ACTIVE_RUNS,
    INSERT_MESSAGE,
    INSERT_THREAD,
    LOCK_THREAD,
    RUN_EXISTS,
    THREAD_EXISTS,
    UPSERT_ASSISTANT,
    page_query,
)
from agentkit.stores.postgres_vector_stores import PostgresVectorStores

__all__ = ["PostgresStore"]

Conn = AsyncConnection[Any]
T = TypeVar("T")

_LOCK_ANY_THREAD = "SELECT 1 FROM agentkit.threads WHERE id = %s FOR NO KEY UPDATE"


class PostgresStore(AssistantsStore, PostgresLeases, PostgresFiles, PostgresVectorStores):
    """Keeps runs and their threads, assistants, file and vector store records in PostgreSQL.

    Tables are created (in the ``agentkit`` schema) on first use; ``await store.open()`` or
    ``async with PostgresStore(url) as store`` connects up front. Any number of processes,
    on any number of machines, may share the database: each sees the others' runs, and a
    run paused by one can be resumed by another. Needs the ``postgres`` extra.

    Args:
        url: ``postgresql://user:password@host:port/database``, or a libpq connection string.
        project: the project whose objects this store sees.
        max_connections: the most connections this store (and its `scoped` views) opens.
        connect_timeout: seconds to wait for a connection before `StoreError`.

    Raises:
        UserError: ``url`` is not a Postgres URL.
    """

    def __init__(
        self,
        url: str,
        *,
        project: str = "",
        max_connections: int = 10,
        connect_timeout: float = 10.0,
    ) -> None:
        self.url = url
        self.project = project
        self._db = PostgresPool(
            url, max_connections=max_connections, connect_timeout=connect_timeout
        )
        self._owner = True

    @property
    def where(self) -> str:
        """The database, by name, host and port (never its password)."""
        return self._db.where

    def scoped(self, project: str) -> PostgresStore:
        """A view of the same database for another project, sharing this store's connections.

        Closing the view does nothing; closing this store closes the view too.
        """
        view = copy.copy(self)
        view.project = project
        view._owner = False
        return view

    # -- lifecycle -------------------------------------------------------------------------
    async def open(self) -> None:
        """Connect now (creating the tables) instead of on first use.

        Raises:
            StoreError: the database cannot be reached, or has a newer schema version than
                this agentkit knows.
        """
        await self._db.open()

    async def aclose(self) -> None:
        """Close the connections (only the store that opened them does)."""
        if self._owner:
            await self._db.aclose()

    async def __aenter__(self) -> PostgresStore:
        await self.open()
        return self

    # -- plumbing --------------------------------------------------------------------------
    async def _data(self, table: str, what: str, object_id: str, column: str = "data") -> str:
        sql = f"SELECT {column} FROM agentkit.{table} WHERE id = %s AND project = %s"
        async with self._db.connection() as conn:
            row = await (await conn.execute(sql, (object_id, self.project))).fetchone()
        if row is None:
            raise NotFoundError(f"No {what} found with id {object_id!r}.")
        return str(row[0])

    async def _change_one(
        self, sql: str, params: tuple[Any, ...], what: str, object_id: str
    ) -> None:
        async with self._db.connection() as conn:
            changed = (await conn.execute(sql, params)).rowcount
        if not changed:
            raise NotFoundError(f"No {what} found with id {object_id!r}.")

    async def _rows(self, sql: str, params: tuple[Any, ...]) -> list[str]:
        async with self._db.connection() as conn:
            rows = await (await conn.execute(sql, params)).fetchall()
        return [row[0] for row in rows]

    async def _list(
        self, parent: tuple[str, str, str], sql: str, params: tuple[Any, ...]
    ) -> list[str]:
        """The ``data`` column of ``sql``'s rows; NotFoundError if the parent object is gone."""
        parent_sql, what, parent_id = parent
        async with self._db.connection() as conn:
            found = await (await conn.execute(parent_sql, (parent_id, self.project))).fetchone()
            if found is None:
                raise NotFoundError(f"No {what} found with id {parent_id!r}.")
            rows = await (await conn.execute(sql, params)).fetchall()
        return [row[0] for row in rows]

    async def _lock_idle_thread(self, conn: Conn, thread_id: str, refuse: str | None) -> None:
        """In a transaction: lock the thread; with ``refuse``, fail if it has an active run.

        ``refuse`` is the `ActiveRunError` message, with ``{run}`` for the active run's id.
        """
        if await (await conn.execute(LOCK_THREAD, (thread_id, self.project))).fetchone() is None:
            raise NotFoundError(f"No thread found with id {thread_id!r}.")
        if refuse is not None:
            active = await (await conn.execute(ACTIVE_RUN, (thread_id,))).fetchone()
            if active is not None:
                raise ActiveRunError(refuse.format(run=active[0]))

    # -- threads ---------------------------------------------------------------------------
    async def create_thread(self, thread: Thread) -> Thread:
        async with self._db.connection() as conn:
            row = (thread.id, self.project, thread.model_dump_json())
            await insert(conn, INSERT_THREAD, row, "thread")
        return thread

    async def get_thread(self, thread_id: str) -> Thread:
        return Thread.model_validate_json(await self._data("threads", "thread", thread_id))

    async def update_thread(self, thread: Thread) -> None:
        sql = "UPDATE agentkit.threads SET data = %s WHERE id = %s AND project = %s"
        params = (thread.model_dump_json(), thread.id, self.project)
        await self._change_one(sql, params, "thread", thread.id)

    async def delete_thread(self, thread_id: str) -> None:
        # Foreign keys cascade to the thread's messages, runs, their steps and tool calls.
        sql = "DELETE FROM agentkit.threads WHERE id = %s AND project = %s"
        await self._change_one(sql, (thread_id, self.project), "thread", thread_id)

    async def list_threads(self, *, limit: int = 20, order: ListOrder = "desc") -> list[Thread]:
        query = page_query("threads", ("project = %s", (self.project,)), order, None, None, limit)
        return [Thread.model_validate_json(row) for row in await self._rows(*query)]

    # -- messages --------------------------------------------------------------------------
    async def add_message(self, message: Message, *, require_idle: bool = True) -> Message:
        thread_id = message.thread_id
        refuse = f"Can't add messages to {thread_id} while a run {{run}} is active."
        params = message_params(message, self.project)
        async with self._db.connection() as conn, conn.transaction():
            await self._lock_idle_thread(conn, thread_id, refuse if require_idle else None)
            await insert(conn, INSERT_MESSAGE, params, "message")
        return message

    async def get_message(self, message_id: str) -> Message:
        return Message.model_validate_json(await self._data("messages", "message", message_id))

    async def update_message(self, message: Message) -> None:
        sql = "UPDATE agentkit.messages SET run_id = %s, data = %s WHERE id = %s AND project = %s"
        params = (message.run_id, message.model_dump_json(), message.id, self.project)
        await self._change_one(sql, params, "message", message.id)

    async def delete_message(self, message_id: str) -> None:
        sql = "DELETE FROM agentkit.messages WHERE id = %s AND project = %s"
        await self._change_one(sql, (message_id, self.project), "message", message_id)

    async def list_messages(
        self,
        thread_id: str,
        *,
        order: ListOrder = "asc",
        after: str | None = None,
        before: str | None = None,
        limit: int | None = None,
        run_id: str | None = None,
    ) -> list[Message]:
        scope = "thread_id = %s AND project = %s"
        scope_params: tuple[Any, ...] = (thread_id, self.project)
        if run_id is not None:
            scope, scope_params = scope + " AND run_id = %s", (*scope_params, run_id)
        query = page_query("messages", (scope, scope_params), order, after, before, limit)
        rows = await self._list((THREAD_EXISTS, "thread", thread_id), *query)
        return [Message.model_validate_json(row) for row in rows]

    # -- runs ------------------------------------------------------------------------------
    async def create_run(
        self,
        run: Run,
        state: dict[str, Any],
        messages: Sequence[Message] = (),
        *,
        lease: Lease | None = None,
    ) -> Run:
        check_run_messages(run, messages)
        insert_run = pg_runs.run_inserts(run, state, messages, lease, self.project)
        refuse = f"Thread {run.thread_id} already has an active run {{run}}."
        async with self._db.connection() as conn, conn.transaction():
            await self._lock_idle_thread(conn, run.thread_id, refuse)
            await insert_run(conn)
        return run

    async def create_thread_and_run(
        self,
        thread: Thread,
        run: Run,
        state: dict[str, Any],
        messages: Sequence[Message] = (),
        *,
        lease: Lease | None = None,
    ) -> Run:
        """Store the thread, the run and its messages in one transaction: all or nothing."""
        check_thread_run(thread, run, messages)
        insert_run = pg_runs.run_inserts(run, state, messages, lease, self.project)
        thread_row = (thread.id, self.project, thread.model_dump_json())
        async with self._db.connection() as conn, conn.transaction():
            await insert(conn, INSERT_THREAD, thread_row, "thread")
            await insert_run(conn)
        return run

    async def get_run(self, run_id: str) -> Run:
        return Run.model_validate_json(await self._data("runs", "run", run_id))

    async def get_run_state(self, run_id: str) -> dict[str, Any]:
        state: dict[str, Any] = json.loads(await self._data("runs", "run", run_id, "state"))
        return state

    async def save_run(self, run: Run, state: dict[str, Any] | None = None) -> bool:
        return await self._update_run(run, state, None)

    async def transition_run(
        self,
        run: Run,
        *,
        expected: Collection[str],
        state: dict[str, Any] | None = None,
        steps: Sequence[RunStep] = (),
        messages: Sequence[Message] = (),
        lease: Lease | None = None,
    ) -> bool:
        return await self._update_run(run, state, list(expected), steps, messages, lease)

    async def _update_run(
        self,
        run: Run,
        state: dict[str, Any] | None,
        expected: list[str] | None,
        steps: Sequence[RunStep] = (),
        messages: Sequence[Message] = (),
        lease: Lease | None = None,
    ) -> bool:
        """Write the run (if the contract's conditions hold); whether it did.

        ``steps`` and ``messages`` are saved in the same transaction when the run is.
        """
        check_run_messages(run, messages)
        update = pg_runs.run_update(
            run, None if state is None else compact_json(state), expected, self.project, lease
        )
        step_params = [self._step_params(step) for step in steps]
        message_rows = [message_params(m, self.project) for m in messages]
        async with self._db.connection() as conn:
            try:
                async with conn.transaction():
                    if run.status in ACTIVE_RUN_STATUSES:
                        # A run that becomes active again must not race a new message.
                        await conn.execute(_LOCK_ANY_THREAD, (run.thread_id,))
                    if not (await conn.execute(*update)).rowcount:
                        if (
                            await (
                                await conn.execute(RUN_EXISTS, (run.id, self.project))
                            ).fetchone()
                            is None
                        ):
                            raise NotFoundError(f"No run found with id {run.id!r}.")
                        return False
                    for params in step_params:
                        await upsert_step(conn, params)
                    for params in message_rows:
                        await insert(conn, INSERT_MESSAGE, params, "message")
            except errors.UniqueViolation as exc:
                if exc.diag.constraint_name != ONE_ACTIVE_RUN:
                    raise
                raise await second_active_run(conn, run) from exc
        return True

    async def list_runs(
        self,
        thread_id: str,
        *,
        order: ListOrder = "desc",
        after: str | None = None,
        before: str | None = None,
        limit: int | None = None,
    ) -> list[Run]:
        scope = ("thread_id = %s AND project = %s", (thread_id, self.project))
        query = page_query("runs", scope, order, after, before, limit)
        rows = await self._list((THREAD_EXISTS, "thread", thread_id), *query)
        return [Run.model_validate_json(row) for row in rows]

    async def active_runs(self) -> list[Run]:
        return [
            Run.model_validate_json(row) for row in await self._rows(ACTIVE_RUNS, (self.project,))
        ]

    # -- steps -----------------------------------------------------------------------------
    async def save_step(self, step: RunStep) -> None:
        async with self._db.connection() as conn:
            await upsert_step(conn, self._step_params(step))

    def _step_params(self, step: RunStep) -> tuple[str, str, str, str]:
        return (step.id, step.model_dump_json(), step.run_id, self.project)

    async def get_step(self, step_id: str) -> RunStep:
        return RunStep.model_validate_json(await self._data("steps", "run step", step_id))

    async def list_steps(
        self,
        run_id: str,
        *,
        order: ListOrder = "asc",
        after: str | None = None,
        before: str | None = None,
        limit: int | None = None,
    ) -> list[RunStep]:
        scope = ("run_id = %s AND project = %s", (run_id, self.project))
        query = page_query("steps", scope, order, after, before, limit)
        rows = await self._list((RUN_EXISTS, "run", run_id), *query)
        return [RunStep.model_validate_json(row) for row in rows]

    # -- assistants ------------------------------------------------------------------------
    async def save_assistant(self, assistant: dict[str, Any]) -> None:
        params = (assistant["id"], self.project, compact_json(assistant))
        await self._change_one(UPSERT_ASSISTANT, params, "assistant", assistant["id"])

    async def get_assistant(self, assistant_id: str) -> dict[str, Any]:
        assistant: dict[str, Any] = json.loads(
            await self._data("assistants", "assistant", assistant_id)
        )
        return assistant

    async def delete_assistant(self, assistant_id: str) -> None:
        sql = "DELETE FROM agentkit.assistants WHERE id = %s AND project = %s"
        await self._change_one(sql, (assistant_id, self.project), "assistant", assistant_id)

    async def list_assistants(
        self,
        *,
        order: ListOrder = "desc",
        after: str | None = None,
        before: str | None = None,
        limit: int | None = None,
    ) -> list[dict[str, Any]]:
        query = page_query(
            "assistants", ("project = %s", (self.project,)), order, after, before, limit
        )
        return [json.loads(row) for row in await self._rows(*query)]
