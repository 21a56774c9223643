"""Where threads, messages, runs and steps persist: the engine's `Store`, and its contract.

Every store keeps the same invariants, which the engine relies on and the contract tests in
``tests/stores`` check for each implementation:

- at most one active run (``queued``, ``in_progress``, ``requires_action``, ``cancelling``) per
  thread: `create_run` refuses a second one, atomically, and the messages it is given are
  added in the same step (a refused run adds none);
- a user message cannot be added while the thread has an active run;
- every object belongs to a project (``""`` by default); a store only sees its own project's
  objects, and another project's ids are `NotFoundError`.

Status changes are compare-and-set, so that a cancel always wins and nothing is lost:

- `transition_run` saves a run only if its stored status is one of ``expected``; the steps
  and messages given with it are saved in the same step, or not at all;
- **no save ever overwrites a terminal status** with another status (`save_run` and
  `transition_run` answer False and change nothing). Saving the same terminal status again
  (new metadata, the final usage) is allowed.

Runs that must be driven (`DRIVEN_RUN_STATUSES`: ``queued``, ``in_progress``, ``cancelling``)
carry a `Lease`: who drives the run, and until when. The driver renews it (`renew_lease`)
and fences every write with it; a run whose lease lapsed, or that has none, is orphaned and
another process may `claim_run` it (compare-and-set on the lease it saw) and continue it:

- a run that moves to ``requires_action`` or to a terminal status loses its lease (nobody
  drives a paused or ended run); `create_run` and `transition_run` given a ``lease`` take it;
- a write given a ``lease`` (`transition_run`) succeeds only if the run has no owner or is
  owned by ``lease.owner``: a driver that lost its run to another process cannot write;
- lease times are Unix seconds (``time.time()``) stored as given (a float64, compared
  exactly by `claim_run`); deciding that a lease lapsed is the engine's job, not the store's.

Tool calls are recorded one by one, as they start and finish (`CallRecord`):

- `mark_call_started` is fenced: it records the mark only while the run is ``in_progress``
  and owned by ``owner``; the engine invokes no tool whose mark was refused, so no tool
  starts after a cancel or a takeover;
- `record_call_outcome` keeps the first outcome recorded for a call (a later one is refused):
  a recovering process that declared a call ``interrupted`` and a late driver cannot both win.
"""

from __future__ import annotations

import time
from abc import ABC, abstractmethod
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from agentkit.exceptions import UserError
from agentkit.records import (
    TERMINAL_RUN_STATUSES,
    FunctionToolCall,
    Message,
    Run,
    RunStep,
    Thread,
)

__all__ = [
    "DRIVEN_RUN_STATUSES",
    "CallRecord",
    "Lease",
    "ListOrder",
    "Store",
    "check_run_messages",
    "check_thread_run",
    "refuses_terminal_change",
]

ListOrder = Literal["asc", "desc"]

DRIVEN_RUN_STATUSES: frozenset[str] = frozenset({"queued", "in_progress", "cancelling"})
"""The statuses in which a run needs a driver (and holds a `Lease`)."""


@dataclass(frozen=True, slots=True)
class Lease:
    """Who drives a run, and the Unix time (``time.time()``) at which that claim lapses.

    Attributes:
        owner: the driver's id (`agentkit.runs.lease.LeaseTerms.owner`: host, process, runner).
        expires_at: when the claim lapses unless renewed.
    """

    owner: str
    expires_at: float

    @classmethod
    def starting_now(cls, owner: str, ttl: float) -> Lease:
        """A lease of ``owner`` lapsing ``ttl`` seconds from now."""
        return cls(owner, time.time() + ttl)

    def lapsed(self, at: float | None = None) -> bool:
        """Whether the lease has lapsed at ``at`` (default: now)."""
        return (time.time() if at is None else at) >= self.expires_at


@dataclass(frozen=True, slots=True)
class CallRecord:
    """What a store knows of one tool call of a step, written as the call starts and ends.

    Attributes:
        step_id: the ``tool_calls`` step holding the call.
        call_id: the call's id (unique within its step).
        started: a driver marked it started (`Store.mark_call_started`).
        outcome: the finished call (``function.output`` set, with ``error`` and
            ``duration_ms``), or None while no outcome is recorded.
    """

    step_id: str
    call_id: str
    started: bool
    outcome: FunctionToolCall | None


class Store(ABC):
    """What the run engine persists: threads, messages, runs and steps. All coroutines.

    Implement this for a store of your own; `AssistantsStore` adds what the Assistants
    server needs on top. Missing ids raise `NotFoundError`; a second active run raises
    `ActiveRunError`.
    """

    project: str = ""

    # -- threads ---------------------------------------------------------------------------
    @abstractmethod
    async def create_thread(self, thread: Thread) -> Thread:
        """Store a new thread."""

    @abstractmethod
    async def get_thread(self, thread_id: str) -> Thread:
        """The thread with this id."""

    @abstractmethod
    async def delete_thread(self, thread_id: str) -> None:
        """Delete a thread with its messages, runs and steps."""

    @abstractmethod
    async def list_threads(self, *, limit: int = 20, order: ListOrder = "desc") -> list[Thread]:
        """Threads by creation time."""

    # -- messages --------------------------------------------------------------------------
    @abstractmethod
    async def add_message(self, message: Message, *, require_idle: bool = True) -> Message:
        """Append a message; with ``require_idle``, refuse while the thread has an active run."""

    @abstractmethod
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
        """A thread's messages in insertion order (``asc``) or reversed, paged by id cursors."""

    # -- runs ------------------------------------------------------------------------------
    @abstractmethod
    async def create_run(
        self,
        run: Run,
        state: dict[str, Any],
        messages: Sequence[Message] = (),
        *,
        lease: Lease | None = None,
    ) -> Run:
        """Store a new run with the engine's state; refuse if the thread has an active run.

        ``messages`` (the run's new input) are added to the thread together with the run:
        both or, when the run is refused, neither. A run in a driven status is stored with
        ``lease`` (None: unowned, so orphaned from the start).
        """

    async def create_thread_and_run(
        self,
        thread: Thread,
        run: Run,
        state: dict[str, Any],
        messages: Sequence[Message] = (),
        *,
        lease: Lease | None = None,
    ) -> Run:
        """Store a new thread with its first run and that run's input messages.

        The same as `create_thread` then `create_run`. A store that can write the three in
        one transaction overrides this (`SQLiteStore` does: one commit instead of two, and
        a refused run leaves no thread behind); this default does not promise that.

        Raises:
            UserError: the thread, the run or a message id exists, or a message is on
                another thread.
        """
        check_thread_run(thread, run, messages)
        await self.create_thread(thread)
        return await self.create_run(run, state, messages, lease=lease)

    @abstractmethod
    async def get_run(self, run_id: str) -> Run:
        """The run with this id."""

    @abstractmethod
    async def get_run_state(self, run_id: str) -> dict[str, Any]:
        """The engine state saved with the run (JSON-compatible)."""

    @abstractmethod
    async def save_run(self, run: Run, state: dict[str, Any] | None = None) -> bool:
        """Replace a stored run (and its engine state, when given); return whether it did.

        Refused (False, nothing changed) when the stored status is terminal and ``run``'s
        differs. The lease is kept, or dropped when ``run`` is paused or ended. Not fenced:
        drivers use `transition_run`.
        """

    @abstractmethod
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
        """Save ``run`` only if the stored status is in ``expected``; return whether it did.

        Also refused when the stored status is terminal and ``run``'s differs, and, with a
        ``lease``, when the run is owned by another owner than ``lease.owner``. On success
        ``steps`` are saved (inserted or replaced) and ``messages`` added to the run's thread
        (even while it has an active run) in the same step, and the run takes ``lease`` if
        it stays in a driven status (without one it keeps its lease), or drops its lease if
        it is paused or ended.

        Raises:
            UserError: a message is on another thread, or its id exists (nothing is saved).
        """

    @abstractmethod
    async def list_runs(
        self,
        thread_id: str,
        *,
        order: ListOrder = "desc",
        after: str | None = None,
        before: str | None = None,
        limit: int | None = None,
    ) -> list[Run]:
        """A thread's runs by creation order."""

    @abstractmethod
    async def active_runs(self) -> list[Run]:
        """Every run of this project that has not reached a terminal status."""

    # -- leases ----------------------------------------------------------------------------
    @abstractmethod
    async def driven_runs(self) -> list[tuple[Run, Lease | None]]:
        """This project's runs in a driven status, each with its lease (None: unowned)."""

    async def driven_run(self, run_id: str) -> tuple[Run, Lease | None] | None:
        """The run with its lease if it is in a driven status (None: not driven, or no such run).

        What a process taking one run over looks at; stores override it to read one row
        instead of every driven run.
        """
        for run, lease in await self.driven_runs():
            if run.id == run_id:
                return run, lease
        return None

    @abstractmethod
    async def claim_run(self, run_id: str, lease: Lease, *, current: Lease | None) -> bool:
        """Take over a run: give it ``lease`` if it is driven and its lease is still ``current``.

        ``current`` is the lease the caller saw (from `driven_runs`), None for an unowned run;
        if anyone renewed or claimed it since, the claim is refused (False).

        Raises:
            NotFoundError: no such run.
        """

    @abstractmethod
    async def renew_lease(self, run_id: str, lease: Lease) -> bool:
        """Extend the lease of ``lease.owner`` to ``lease.expires_at``; whether it still holds.

        False (and nothing changed) when the run is no longer driven (paused, ended,
        cancelled), is owned by someone else, or is gone: the driver must stop.
        """

    # -- tool calls ------------------------------------------------------------------------
    @abstractmethod
    async def mark_call_started(
        self, run_id: str, step_id: str, call_id: str, *, owner: str
    ) -> bool:
        """Record that a call is about to run, if the run is still ours; whether it was.

        False (nothing recorded) unless the run is ``in_progress`` and owned by ``owner``;
        also False when the run is gone. Marking a call again changes nothing.
        """

    @abstractmethod
    async def record_call_outcome(self, run_id: str, step_id: str, call: FunctionToolCall) -> bool:
        """Record a finished call's outcome, unless one is recorded; whether this one was.

        Not fenced: a call that ran is a fact, even when the run was cancelled meanwhile.

        Raises:
            NotFoundError: no such run.
        """

    @abstractmethod
    async def call_records(self, run_id: str, step_id: str) -> list[CallRecord]:
        """What is recorded of the step's calls, in the order they were first recorded.

        Raises:
            NotFoundError: no such run.
        """

    # -- steps -----------------------------------------------------------------------------
    @abstractmethod
    async def save_step(self, step: RunStep) -> None:
        """Insert or replace a run step."""

    @abstractmethod
    async def get_step(self, step_id: str) -> RunStep:
        """The step with this id."""

    @abstractmethod
    async def list_steps(
        self,
        run_id: str,
        *,
        order: ListOrder = "asc",
        after: str | None = None,
        before: str | None = None,
        limit: int | None = None,
    ) -> list[RunStep]:
        """A run's steps in creation order (``asc``) or reversed."""

    # -- lifecycle -------------------------------------------------------------------------
    async def aclose(self) -> None:  # noqa: B027 - optional hook
        """Release the store's resources (files, connections)."""

    async def __aenter__(self) -> Store:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()


def check_run_messages(run: Run, messages: Sequence[Message]) -> None:
    """Refuse messages given to `Store.create_run` that are not on the run's thread."""
    for message in messages:
        if message.thread_id != run.thread_id:
            raise UserError(
                f"Message {message.id} is on thread {message.thread_id}, not on the run's "
                f"thread {run.thread_id}."
            )


def check_thread_run(thread: Thread, run: Run, messages: Sequence[Message]) -> None:
    """Refuse a new thread's first run (or its messages) that is not on that thread."""
    if run.thread_id != thread.id:
        raise UserError(f"Run {run.id} is on thread {run.thread_id}, not on {thread.id}.")
    check_run_messages(run, messages)


def refuses_terminal_change(stored_status: str, new_status: str) -> bool:
    """Whether a save from ``stored_status`` to ``new_status`` breaks the terminal rule."""
    return stored_status in TERMINAL_RUN_STATUSES and new_status != stored_status
