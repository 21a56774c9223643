"""Where threads, messages, runs and steps persist: the engine's `Store`.

Every store keeps the same invariants, which the engine relies on and the contract tests in
``tests/stores`` check for each implementation:

- at most one active run (``queued``, ``in_progress``, ``requires_action``, ``cancelling``) per
  thread: `create_run` refuses a second one, atomically, and the messages it is given are
  added in the same step (a refused run adds none);
- a user message cannot be added while the thread has an active run;
- `transition_run` is a compare-and-set on the status, so two processes cannot both resume
  the same paused run; the steps it is given are saved with the run, or not at all;
- every object belongs to a project (``""`` by default); a store only sees its own project's
  objects, and another project's ids are `NotFoundError`.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Collection, Sequence
from typing import Any, Literal

from agentkit.exceptions import UserError
from agentkit.records import Message, Run, RunStep, Thread

__all__ = ["ListOrder", "Store", "check_run_messages"]

ListOrder = Literal["asc", "desc"]


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
        self, run: Run, state: dict[str, Any], messages: Sequence[Message] = ()
    ) -> Run:
        """Store a new run with the engine's state; refuse if the thread has an active run.

        ``messages`` (the run's new input) are added to the thread together with the run:
        both or, when the run is refused, neither.
        """

    @abstractmethod
    async def get_run(self, run_id: str) -> Run:
        """The run with this id."""

    @abstractmethod
    async def get_run_state(self, run_id: str) -> dict[str, Any]:
        """The engine state saved with the run (JSON-compatible)."""

    @abstractmethod
    async def save_run(self, run: Run, state: dict[str, Any] | None = None) -> None:
        """Replace a stored run (and its engine state, when given)."""

    @abstractmethod
    async def transition_run(
        self,
        run: Run,
        *,
        expected: Collection[str],
        state: dict[str, Any] | None = None,
        steps: Sequence[RunStep] = (),
    ) -> bool:
        """Save ``run`` only if the stored status is in ``expected``; return whether it did.

        ``steps`` of the run are saved (inserted or replaced) in the same step, only if the
        run is.
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
