"""A store in one SQLite file: persistent, shared safely by several processes.

Objects are stored as their JSON next to the few columns queries need (see `sqlite_schema`).
Each method is one statement or one ``BEGIN IMMEDIATE`` transaction, so the invariants in
`agentkit.stores.base` hold across processes: the file's write lock serializes the check and
the write, and a unique index on the active runs of a thread backs the one-active-run rule.
"""

from __future__ import annotations

import copy
import json
import os
import sqlite3
from collections.abc import Callable, Collection, Sequence
from functools import partial
from typing import Any, TypeVar

from agentkit.exceptions import ActiveRunError, NotFoundError, UserError
from agentkit.records import FunctionToolCall, Message, Run, RunStep, Thread
from agentkit.stores import sqlite_runs
from agentkit.stores.assistants import AssistantsStore
from agentkit.stores.base import (
    CallRecord,
    Lease,
    ListOrder,
    check_run_messages,
    check_thread_run,
)
from agentkit.stores.sqlite_connection import SQLiteConnection, immediate
from agentkit.stores.sqlite_files import SQLiteFiles
from agentkit.stores.sqlite_schema import (
    ACTIVE_RUN,
    ACTIVE_RUNS,
    INSERT_MESSAGE,
    INSERT_THREAD,
    RUN_EXISTS,
    THREAD_EXISTS,
    UPSERT_ASSISTANT,
    compact_json,
    insert,
    message_params,
    page_query,
    upsert_step,
)
from agentkit.stores.sqlite_vector_stores import SQLiteVectorStores

__all__ = ["SQLiteStore"]

T = TypeVar("T")


class SQLiteStore(AssistantsStore, SQLiteFiles, SQLiteVectorStores):
    """Keeps threads, messages, runs, steps, assistants, files and vector stores in one file.

    The file is opened, and its tables created, on first use; ``await store.open()`` or
    ``async with SQLiteStore(path) as store`` opens it up front. Several processes may use
    the same file: a run paused in ``requires_action`` by one can be resumed by another.

    Args:
        path: the database file; created if missing.
        project: the project whose objects this store sees.
        busy_timeout: seconds a write waits for another process's write lock before
            `StoreError`.

    Raises:
        UserError: ``path`` names an in-memory database (use `MemoryStore`).
    """

    def __init__(
        self, path: str | os.PathLike[str], *, project: str = "", busy_timeout: float = 5.0
    ) -> None:
        self.path = os.fspath(path)
        if self.path in ("", ":memory:"):
            raise UserError(
                f"SQLiteStore(path={self.path!r}) needs a file; for memory, use MemoryStore."
            )
        self.project = project
        self._db = SQLiteConnection(self.path, busy_timeout=busy_timeout)
        self._owner = True

    def scoped(self, project: str) -> SQLiteStore:
        """A view of the same file for another project, sharing this store's connection.

        Closing the view does nothing; closing this store closes the view too.
        """
        view = copy.copy(self)
        view.project = project
        view._owner = False
        return view

    # -- lifecycle -------------------------------------------------------------------------
    async def open(self) -> None:
        """Open the file now (creating its tables) instead of on first use.

        Raises:
            StoreError: the file is not a SQLite database, not an agentkit store, or has a
                newer schema version than this agentkit knows.
        """
        await self._db.run(lambda conn: None)

    async def aclose(self) -> None:
        """Close the file and stop its worker thread (only the store that opened it does)."""
        if self._owner:
            await self._db.aclose()

    async def __aenter__(self) -> SQLiteStore:
        await self.open()
        return self

    # -- plumbing --------------------------------------------------------------------------
    async def _data(self, table: str, what: str, object_id: str, column: str = "data") -> str:
        sql = f"SELECT {column} FROM {table} WHERE id = ? AND project = ?"
        params = (object_id, self.project)
        row = await self._db.run(lambda conn: conn.execute(sql, params).fetchone())
        if row is None:
            raise NotFoundError(f"No {what} found with id {object_id!r}.")
        return str(row[0])

    async def _change_one(
        self, sql: str, params: tuple[Any, ...], what: str, object_id: str
    ) -> None:
        if not await self._db.run(lambda conn: conn.execute(sql, params).rowcount):
            raise NotFoundError(f"No {what} found with id {object_id!r}.")

    async def _insert_on_thread(
        self,
        thread_id: str,
        inserts: Sequence[tuple[str, tuple[Any, ...], str]],
        refuse: Callable[[str], str] | None,
    ) -> None:
        """Insert under the write lock if the thread is this project's and, with ``refuse``, idle.

        ``refuse`` makes the `ActiveRunError` message from the active run's id. The inserts
        are one transaction: all of them, or none.
        """
        key = (thread_id, self.project)

        def op(conn: sqlite3.Connection) -> None:
            with immediate(conn):
                if conn.execute(THREAD_EXISTS, key).fetchone() is None:
                    raise NotFoundError(f"No thread found with id {thread_id!r}.")
                if refuse and (active := conn.execute(ACTIVE_RUN, (thread_id,)).fetchone()):
                    raise ActiveRunError(refuse(active[0]))
                for statement in inserts:
                    insert(conn, *statement)

        await self._db.run(op)

    async def _list(
        self, parent: tuple[str, str, str], sql: str, params: tuple[Any, ...]
    ) -> list[str]:
        """The ``data`` column of ``sql``'s rows; NotFoundError if the parent object is gone."""
        parent_sql, what, parent_id = parent
        parent_params = (parent_id, self.project)

        def op(conn: sqlite3.Connection) -> list[Any] | None:
            if conn.execute(parent_sql, parent_params).fetchone() is None:
                return None
            return conn.execute(sql, params).fetchall()

        rows = await self._db.run(op)
        if rows is None:
            raise NotFoundError(f"No {what} found with id {parent_id!r}.")
        return [row[0] for row in rows]

    # -- threads ---------------------------------------------------------------------------
    async def create_thread(self, thread: Thread) -> Thread:
        params = (thread.id, self.project, thread.model_dump_json())
        await self._db.run(lambda conn: insert(conn, INSERT_THREAD, params, "thread"))
        return thread

    async def get_thread(self, thread_id: str) -> Thread:
        return Thread.model_validate_json(await self._data("threads", "thread", thread_id))

    async def update_thread(self, thread: Thread) -> None:
        sql = "UPDATE threads SET data = ? WHERE id = ? AND project = ?"
        params = (thread.model_dump_json(), thread.id, self.project)
        await self._change_one(sql, params, "thread", thread.id)

    async def delete_thread(self, thread_id: str) -> None:
        # Foreign keys cascade to the thread's messages, runs and their steps.
        sql = "DELETE FROM threads WHERE id = ? AND project = ?"
        await self._change_one(sql, (thread_id, self.project), "thread", thread_id)

    async def list_threads(self, *, limit: int = 20, order: ListOrder = "desc") -> list[Thread]:
        sql, params = page_query(
            "threads", ("project = ?", (self.project,)), order, None, None, limit
        )
        rows = await self._db.run(lambda conn: conn.execute(sql, params).fetchall())
        return [Thread.model_validate_json(row[0]) for row in rows]

    # -- messages --------------------------------------------------------------------------
    async def add_message(self, message: Message, *, require_idle: bool = True) -> Message:
        thread_id = message.thread_id

        def refuse(run_id: str) -> str:
            return f"Can't add messages to {thread_id} while a run {run_id} is active."

        await self._insert_on_thread(
            thread_id,
            [(INSERT_MESSAGE, message_params(message, self.project), "message")],
            refuse if require_idle else None,
        )
        return message

    async def get_message(self, message_id: str) -> Message:
        return Message.model_validate_json(await self._data("messages", "message", message_id))

    async def update_message(self, message: Message) -> None:
        sql = "UPDATE messages SET run_id = ?, data = ? WHERE id = ? AND project = ?"
        params = (message.run_id, message.model_dump_json(), message.id, self.project)
        await self._change_one(sql, params, "message", message.id)

    async def delete_message(self, message_id: str) -> None:
        sql = "DELETE FROM messages WHERE id = ? AND project = ?"
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
        scope = "thread_id = ? AND project = ?"
        scope_params: tuple[Any, ...] = (thread_id, self.project)
        if run_id is not None:
            scope, scope_params = scope + " AND run_id = ?", (*scope_params, run_id)
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
        new = self._new_run(run, state, messages, lease)
        await self._db.run(partial(sqlite_runs.create_run, new=new))
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
        new = self._new_run(run, state, messages, lease)
        new = new._replace(thread=(thread.id, self.project, thread.model_dump_json()))
        await self._db.run(partial(sqlite_runs.create_run, new=new))
        return run

    def _new_run(
        self, run: Run, state: dict[str, Any], messages: Sequence[Message], lease: Lease | None
    ) -> sqlite_runs.NewRun:
        return sqlite_runs.new_run(run, state, messages, lease, self.project)

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
        return await self._update_run(run, state, tuple(expected), steps, messages, lease)

    async def _update_run(
        self,
        run: Run,
        state: dict[str, Any] | None,
        expected: tuple[str, ...] | None,
        steps: Sequence[RunStep] = (),
        messages: Sequence[Message] = (),
        lease: Lease | None = None,
    ) -> bool:
        """Write the run (if the contract's conditions hold); whether a row changed.

        ``steps`` and ``messages`` are saved in the same transaction when the run is.
        """
        check_run_messages(run, messages)
        text = None if state is None else compact_json(state)
        updates = sqlite_runs.run_updates(run, text, expected, self.project, lease)
        rows = sqlite_runs.RunRows(
            [self._step_params(step) for step in steps],
            [message_params(m, self.project) for m in messages],
        )
        return await self._db.run(partial(sqlite_runs.update_run, run, self.project, updates, rows))

    async def list_runs(
        self,
        thread_id: str,
        *,
        order: ListOrder = "desc",
        after: str | None = None,
        before: str | None = None,
        limit: int | None = None,
    ) -> list[Run]:
        scope = ("thread_id = ? AND project = ?", (thread_id, self.project))
        query = page_query("runs", scope, order, after, before, limit)
        rows = await self._list((THREAD_EXISTS, "thread", thread_id), *query)
        return [Run.model_validate_json(row) for row in rows]

    async def active_runs(self) -> list[Run]:
        rows = await self._db.run(
            lambda conn: conn.execute(ACTIVE_RUNS, (self.project,)).fetchall()
        )
        return [Run.model_validate_json(row[0]) for row in rows]

    # -- leases and tool calls -------------------------------------------------------------
    async def driven_runs(self) -> list[tuple[Run, Lease | None]]:
        return await self._db.run(partial(sqlite_runs.driven_runs, project=self.project))

    async def claim_run(self, run_id: str, lease: Lease, *, current: Lease | None) -> bool:
        op = partial(sqlite_runs.claim_run, run_id=run_id, project=self.project)
        return self._found(await self._db.run(partial(op, lease=lease, current=current)), run_id)

    async def renew_lease(self, run_id: str, lease: Lease) -> bool:
        op = partial(sqlite_runs.renew_lease, run_id=run_id, project=self.project, lease=lease)
        return await self._db.run(op)

    async def mark_call_started(
        self, run_id: str, step_id: str, call_id: str, *, owner: str
    ) -> bool:
        op = partial(sqlite_runs.mark_call_started, run_id=run_id, project=self.project)
        return await self._db.run(partial(op, step_id=step_id, call_id=call_id, owner=owner))

    async def record_call_outcome(self, run_id: str, step_id: str, call: FunctionToolCall) -> bool:
        op = partial(sqlite_runs.record_call_outcome, run_id=run_id, project=self.project)
        return self._found(await self._db.run(partial(op, step_id=step_id, call=call)), run_id)

    async def call_records(self, run_id: str, step_id: str) -> list[CallRecord]:
        op = partial(sqlite_runs.call_records, run_id=run_id, project=self.project)
        return self._found(await self._db.run(partial(op, step_id=step_id)), run_id)

    @staticmethod
    def _found(result: T | None, run_id: str) -> T:
        if result is None:
            raise NotFoundError(f"No run found with id {run_id!r}.")
        return result

    # -- steps -----------------------------------------------------------------------------
    async def save_step(self, step: RunStep) -> None:
        params = self._step_params(step)
        await self._db.run(lambda conn: upsert_step(conn, params))

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
        scope = ("run_id = ? AND project = ?", (run_id, self.project))
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
        sql = "DELETE FROM assistants WHERE id = ? AND project = ?"
        await self._change_one(sql, (assistant_id, self.project), "assistant", assistant_id)

    async def list_assistants(
        self,
        *,
        order: ListOrder = "desc",
        after: str | None = None,
        before: str | None = None,
        limit: int | None = None,
    ) -> list[dict[str, Any]]:
        sql, params = page_query(
            "assistants", ("project = ?", (self.project,)), order, after, before, limit
        )
        rows = await self._db.run(lambda conn: conn.execute(sql, params).fetchall())
        return [json.loads(row[0]) for row in rows]
