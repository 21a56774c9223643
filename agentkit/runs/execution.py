"""How a recorded run is executed: the one seam between the `Runner` and an execution engine.

The runner records a run (or resumes a paused one) in its store, then hands the run's state to
its `RunExecution`, which drives the one loop (`agentkit.runs.loop.drive`) and streams the
run's events back:

- `InProcessExecution` (the default) drives it here, in a task of this event loop;
- `agentkit.durable.DBOSExecution` enqueues it as a DBOS workflow that worker processes
  drive, and streams the events they publish;
- a Temporal execution would plug in here too: start a workflow whose activities are the
  model and tool calls, and stream its events.

Whatever executes it, a run leaves the same records in the store and yields the same events.
"""

from __future__ import annotations

import asyncio
from abc import ABC, abstractmethod
from collections.abc import AsyncGenerator, Sequence
from contextlib import aclosing
from dataclasses import replace
from typing import Any

from agentkit.events import RunEvent, RunStatusEvent
from agentkit.middleware.base import Middleware
from agentkit.runs.loop import drive
from agentkit.runs.pump import EventPump
from agentkit.runs.state import RunState
from agentkit.runs.steps import end_run

__all__ = ["InProcessExecution", "RunExecution"]


class RunExecution(ABC):
    """Executes runs the runner has recorded; one instance serves one runner."""

    def check_options(self, *, deps: Any, middleware: Sequence[Middleware]) -> None:  # noqa: B027
        """Refuse per-run options this execution cannot honour, before anything is recorded.

        Raises:
            UserError: naming the option.
        """

    @abstractmethod
    def stream(
        self, state: RunState, stack: tuple[Middleware, ...], *, resumed: bool
    ) -> AsyncGenerator[RunEvent, None]:
        """Execute the recorded run ``state`` describes; yield its events until it ends or pauses.

        The first event is the run's status as recorded. ``stack`` is the run's middleware;
        ``resumed`` says that ``state`` continues a paused run.
        """

    @abstractmethod
    async def cancel(self, run_id: str) -> bool:
        """Stop a run this execution drives in this process; False if it drives none by that id.

        A stopped run records its own ending; other runs are cancelled through the store.
        """

    async def aclose(self) -> None:  # noqa: B027
        """Stop what this execution drives in this process."""


class InProcessExecution(RunExecution):
    """Drives each run in a task of the caller's event loop (`EventPump`).

    The consumer leaving early (``break``, ``aclose()``) cancels the run, which ends
    ``cancelled``.
    """

    def __init__(self) -> None:
        self._driving: dict[str, EventPump] = {}

    async def stream(
        self, state: RunState, stack: tuple[Middleware, ...], *, resumed: bool
    ) -> AsyncGenerator[RunEvent, None]:
        run_id = state.run.id
        pump = EventPump(f"agentkit-run:{run_id}")
        state.ctx = replace(state.ctx, emit=pump.emit, run_id=run_id, thread_id=state.run.thread_id)
        pump.emit(RunStatusEvent(state.run))
        self._driving[run_id] = pump
        try:
            async with aclosing(pump.events(drive(state, stack, resumed=resumed))) as events:
                async for event in events:
                    yield event
        finally:
            if not state.run.is_terminal and state.run.status != "requires_action":
                # Cancelled before its first step, the loop never ran to record the ending.
                await asyncio.shield(end_run(state, "cancelled"))
            self._driving.pop(run_id, None)

    async def cancel(self, run_id: str) -> bool:
        pump = self._driving.get(run_id)
        return pump is not None and await pump.cancel()

    async def aclose(self) -> None:
        for run_id in list(self._driving):
            await self.cancel(run_id)
