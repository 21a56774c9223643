"""A store in process memory: fast, shared by every run in the process, gone at exit."""

from __future__ import annotations

import json
from collections.abc import Collection, Sequence
from typing import Any

from agentkit.exceptions import ActiveRunError, NotFoundError, UserError
from agentkit.records import ACTIVE_RUN_STATUSES, FunctionToolCall, Message, Run, RunStep, Thread
from agentkit.stores.assistants import AssistantsStore
from agentkit.stores.base import (
    DRIVEN_RUN_STATUSES,
    CallRecord,
    Lease,
    ListOrder,
    check_run_messages,
    refuses_terminal_change,
)
from agentkit.stores.memory_assistants import MemoryAssistants
from agentkit.stores.memory_files import MemoryFiles
from agentkit.stores.memory_rows import Row, Tables, message_row, row_id, run_row
from agentkit.stores.memory_vector_stores import MemoryVectorStores
from agentkit.stores.paging import page

__all__ = ["MemoryStore"]


class MemoryStore(MemoryAssistants, AssistantsStore, MemoryFiles, MemoryVectorStores):
    """Keeps everything in dictionaries, serialized, so objects go in and out as copies.

    It is a `FileStore` too (file metadata; `agentkit.files.Files` keeps the bytes), and a
    `VectorStoreStore` (vector store records; their chunks are in `agentkit.file_search`).

    Args:
        project: the project whose objects this store sees.
        max_threads: keep at most this many threads (None: all). Creating one more forgets
            the least recently used thread without an active run, with its messages, runs
            and steps, so memory stays bounded however many runs are made. The agent's own
            runner (``agent.run()`` without a runner) uses a bounded store.

    Raises:
        UserError: ``max_threads`` is less than 1.
    """

    def __init__(self, *, project: str = "", max_threads: int | None = None) -> None:
        if max_threads is not None and max_threads < 1:
            raise UserError(f"MemoryStore: max_threads must be at least 1, not {max_threads}")
        self.project = project
        self.max_threads = max_threads
        self._data = Tables()
        self._files = self._data.files
        self._vector_tables = self._data.vector_stores

    def scoped(self, project: str) -> MemoryStore:
        """A view of the same data for another project."""
        view = MemoryStore(project=project, max_threads=self.max_threads)
        view._data = self._data
        view._files = self._data.files
        view._vector_tables = self._data.vector_stores
        return view

    # -- threads ---------------------------------------------------------------------------
    def _thread(self, thread_id: str) -> Row:
        row = self._data.threads.get(thread_id)
        if row is None or row.project != self.project:
            raise NotFoundError(f"No thread found with id {thread_id!r}.{self._forgotten()}")
        return row

    def _touch(self, thread_id: str) -> None:
        """Mark a thread as just used (a bounded store forgets the least recently used)."""
        if self.max_threads is not None:
            threads = self._data.threads
            threads[thread_id] = threads.pop(thread_id)

    async def create_thread(self, thread: Thread) -> Thread:
        _refuse_duplicate(self._data.threads, thread.id, "thread")
        self._data.threads[thread.id] = Row(thread.id, thread.model_dump_json(), self.project)
        self._data.thread_messages[thread.id] = []
        self._data.thread_runs[thread.id] = []
        if self.max_threads is not None and len(self._data.threads) > self.max_threads:
            self._forget_idle_thread(keep=thread.id)
        return thread

    def _forget_idle_thread(self, keep: str) -> None:
        """Drop the least recently used thread without an active run (if there is one)."""
        for thread_id in self._data.threads:
            if thread_id != keep and self._active_run(thread_id) is None:
                self._drop_thread(thread_id)
                return

    def _forgotten(self) -> str:
        return "" if self.max_threads is None else _FORGOTTEN.format(self.max_threads)

    async def get_thread(self, thread_id: str) -> Thread:
        return self._thread(thread_id).load(Thread)

    async def update_thread(self, thread: Thread) -> None:
        self._thread(thread.id)
        self._data.threads[thread.id] = Row(thread.id, thread.model_dump_json(), self.project)

    async def delete_thread(self, thread_id: str) -> None:
        self._thread(thread_id)
        self._drop_thread(thread_id)

    def _drop_thread(self, thread_id: str) -> None:
        self._data.message_edits.pop(thread_id, None)
        for message_id in self._data.thread_messages.pop(thread_id, []):
            self._data.messages.pop(message_id, None)
        for run_id in self._data.thread_runs.pop(thread_id, []):
            self._data.runs.pop(run_id, None)
            self._data.ledger.forget(run_id)
            for step_id in self._data.run_steps.pop(run_id, []):
                self._data.steps.pop(step_id, None)
        del self._data.threads[thread_id]

    async def list_threads(self, *, limit: int = 20, order: ListOrder = "desc") -> list[Thread]:
        mine = [row for row in self._data.threads.values() if row.project == self.project]
        return [row.load(Thread) for row in page(mine, key=row_id, order=order, limit=limit)]

    # -- messages --------------------------------------------------------------------------
    def _active_run(self, thread_id: str) -> str | None:
        for run_id in self._data.thread_runs.get(thread_id, []):
            if self._data.runs[run_id].status in ACTIVE_RUN_STATUSES:
                return run_id
        return None

    async def add_message(self, message: Message, *, require_idle: bool = True) -> Message:
        self._thread(message.thread_id)
        if require_idle and (active := self._active_run(message.thread_id)) is not None:
            raise ActiveRunError(
                f"Can't add messages to {message.thread_id} while a run {active} is active."
            )
        _refuse_duplicate(self._data.messages, message.id, "message")
        self._data.messages[message.id] = message_row(message)
        self._data.thread_messages[message.thread_id].append(message.id)
        self._touch(message.thread_id)
        return message

    def _message(self, message_id: str) -> Row:
        row = self._data.messages.get(message_id)
        if row is None:
            raise NotFoundError(f"No message found with id {message_id!r}.")
        self._thread(row.thread_id)
        return row

    async def get_message(self, message_id: str) -> Message:
        return self._message(message_id).load(Message)

    async def update_message(self, message: Message) -> None:
        row = self._message(message.id)
        self._data.messages[message.id] = message_row(message)
        self._edited(row.thread_id)

    async def delete_message(self, message_id: str) -> None:
        row = self._message(message_id)
        self._data.thread_messages[row.thread_id].remove(message_id)
        del self._data.messages[message_id]
        self._edited(row.thread_id)

    def _edited(self, thread_id: str) -> None:
        edits = self._data.message_edits
        edits[thread_id] = edits.get(thread_id, 0) + 1

    async def history_version(self, thread_id: str) -> tuple[int, int]:
        """(edits and deletions so far, number of messages) of a thread's messages.

        The runner keeps a thread's converted history while only additions happened
        (`agentkit.runs.history_cache`).
        """
        self._thread(thread_id)
        count = len(self._data.thread_messages[thread_id])
        return self._data.message_edits.get(thread_id, 0), count

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
        self._thread(thread_id)
        rows = [self._data.messages[i] for i in self._data.thread_messages[thread_id]]
        if run_id is not None:
            rows = [row for row in rows if row.run_id == run_id]
        selected = page(rows, key=row_id, order=order, after=after, before=before, limit=limit)
        return [row.load(Message) for row in selected]

    # -- runs ------------------------------------------------------------------------------
    def _run(self, run_id: str) -> Row:
        row = self._data.runs.get(run_id)
        if row is None:
            raise NotFoundError(f"No run found with id {run_id!r}.{self._forgotten()}")
        self._thread(row.thread_id)
        return row

    async def create_run(
        self,
        run: Run,
        state: dict[str, Any],
        messages: Sequence[Message] = (),
        *,
        lease: Lease | None = None,
    ) -> Run:
        self._thread(run.thread_id)
        if (active := self._active_run(run.thread_id)) is not None:
            raise ActiveRunError(f"Thread {run.thread_id} already has an active run {active}.")
        _refuse_duplicate(self._data.runs, run.id, "run")
        rows = self._message_rows(run, messages)
        row = run_row(run, json.dumps(state))
        self._add_messages(messages, rows)
        self._data.runs[run.id] = row
        self._data.thread_runs[run.thread_id].append(run.id)
        self._data.run_steps[run.id] = []
        self._data.ledger.settle(run.id, run.status, lease)
        self._touch(run.thread_id)
        return run

    def _message_rows(self, run: Run, messages: Sequence[Message]) -> list[Row]:
        """The rows of a run's new messages, checked before anything changes."""
        check_run_messages(run, messages)
        for message in messages:
            _refuse_duplicate(self._data.messages, message.id, "message")
        return [message_row(message) for message in messages]

    def _add_messages(self, messages: Sequence[Message], rows: Sequence[Row]) -> None:
        for message, row in zip(messages, rows, strict=True):
            self._data.messages[message.id] = row
            self._data.thread_messages[message.thread_id].append(message.id)

    async def get_run(self, run_id: str) -> Run:
        return self._run(run_id).load(Run)

    async def get_run_state(self, run_id: str) -> dict[str, Any]:
        state: dict[str, Any] = json.loads(self._run(run_id).state)
        return state

    async def save_run(self, run: Run, state: dict[str, Any] | None = None) -> bool:
        old = self._run(run.id)
        if refuses_terminal_change(old.status, run.status):
            return False
        self._put_run(run, old, state, None)
        return True

    def _put_run(
        self, run: Run, old: Row, state: dict[str, Any] | None, lease: Lease | None
    ) -> None:
        if (
            run.status in ACTIVE_RUN_STATUSES
            and old.status not in ACTIVE_RUN_STATUSES
            and (active := self._active_run(old.thread_id)) is not None
        ):
            raise ActiveRunError(f"Thread {old.thread_id} already has an active run {active}.")
        new_state = old.state if state is None else json.dumps(state)
        self._data.runs[run.id] = run_row(run, new_state)
        self._data.ledger.settle(run.id, run.status, lease)

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
        old = self._run(run.id)
        if (
            old.status not in expected
            or refuses_terminal_change(old.status, run.status)
            or not self._data.ledger.allows(run.id, lease)
        ):
            return False
        # Checked before any change: a step or message that cannot be stored changes nothing.
        step_rows = [self._step_row(step) for step in steps]
        message_rows = self._message_rows(run, messages)
        self._put_run(run, old, state, lease)
        for step, row in zip(steps, step_rows, strict=True):
            self._put_step(step, row)
        self._add_messages(messages, message_rows)
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
        self._thread(thread_id)
        rows = [self._data.runs[i] for i in self._data.thread_runs[thread_id]]
        selected = page(rows, key=row_id, order=order, after=after, before=before, limit=limit)
        return [row.load(Run) for row in selected]

    async def active_runs(self) -> list[Run]:
        return [
            row.load(Run)
            for row in self._data.runs.values()
            if row.status in ACTIVE_RUN_STATUSES
            and self._data.threads[row.thread_id].project == self.project
        ]

    # -- leases ----------------------------------------------------------------------------
    async def driven_runs(self) -> list[tuple[Run, Lease | None]]:
        leases = self._data.ledger.leases
        return [
            (row.load(Run), leases.get(row.id))
            for row in self._data.runs.values()
            if row.status in DRIVEN_RUN_STATUSES
            and self._data.threads[row.thread_id].project == self.project
        ]

    async def claim_run(self, run_id: str, lease: Lease, *, current: Lease | None) -> bool:
        return self._data.ledger.claim(run_id, self._run(run_id).status, lease, current)

    async def renew_lease(self, run_id: str, lease: Lease) -> bool:
        status = self._status_if_found(run_id)
        return status is not None and self._data.ledger.renew(run_id, status, lease)

    def _status_if_found(self, run_id: str) -> str | None:
        try:
            return self._run(run_id).status
        except NotFoundError:
            return None

    # -- tool calls ------------------------------------------------------------------------
    async def mark_call_started(
        self, run_id: str, step_id: str, call_id: str, *, owner: str
    ) -> bool:
        status = self._status_if_found(run_id)
        return status is not None and self._data.ledger.mark(
            run_id, step_id, call_id, status, owner
        )

    async def record_call_outcome(self, run_id: str, step_id: str, call: FunctionToolCall) -> bool:
        self._run(run_id)
        return self._data.ledger.record(run_id, step_id, call)

    async def call_records(self, run_id: str, step_id: str) -> list[CallRecord]:
        self._run(run_id)
        return self._data.ledger.records(run_id, step_id)

    # -- steps -----------------------------------------------------------------------------
    async def save_step(self, step: RunStep) -> None:
        self._put_step(step, self._step_row(step))

    def _step_row(self, step: RunStep) -> Row:
        self._run(step.run_id)
        existing = self._data.steps.get(step.id)
        if existing is not None and existing.run_id != step.run_id:
            raise NotFoundError(f"No run step found with id {step.id!r} on run {step.run_id!r}.")
        return Row(step.id, step.model_dump_json(), run_id=step.run_id)

    def _put_step(self, step: RunStep, row: Row) -> None:
        if step.id not in self._data.steps:
            self._data.run_steps[step.run_id].append(step.id)
        self._data.steps[step.id] = row

    async def get_step(self, step_id: str) -> RunStep:
        row = self._data.steps.get(step_id)
        if row is None:
            raise NotFoundError(f"No run step found with id {step_id!r}.")
        self._run(row.run_id or "")
        return row.load(RunStep)

    async def list_steps(
        self,
        run_id: str,
        *,
        order: ListOrder = "asc",
        after: str | None = None,
        before: str | None = None,
        limit: int | None = None,
    ) -> list[RunStep]:
        self._run(run_id)
        rows = [self._data.steps[i] for i in self._data.run_steps[run_id]]
        selected = page(rows, key=row_id, order=order, after=after, before=before, limit=limit)
        return [row.load(RunStep) for row in selected]


_FORGOTTEN = (
    " This store keeps only the {} most recently used threads (max_threads) and may have "
    "forgotten it; keep threads with a Runner over a store of your own."
)


def _refuse_duplicate(table: dict[str, Any], object_id: str, what: str) -> None:
    if object_id in table:
        raise UserError(f"A {what} with id {object_id!r} already exists.")
