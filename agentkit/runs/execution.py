"""How a recorded run is executed: the one seam between the `Runner` and an execution engine.

The runner records a run (or resumes a paused one) in its store; then the run is driven by
the one loop (`agentkit.runs.loop.drive`) and its events streamed back:

- by default the runner drives it itself, in a task of this event loop (`EventPump`);
- given a `RunExecution`, the runner hands it the recorded run instead:
  `agentkit.durable.DBOSExecution` enqueues it as a DBOS workflow that worker processes
  drive (with the same loop), and streams the events they publish;
- a Temporal execution would plug in here too: start a workflow whose activities are the
  model and tool calls, and stream its events.

Whatever executes it, a run leaves the same records in the store and yields the same events.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import AsyncGenerator, Sequence
from typing import Any

from agentkit.events import RunEvent
from agentkit.middleware.base import Middleware
from agentkit.runs.state import RunState

__all__ = ["RunExecution"]


class RunExecution(ABC):
    """Executes runs that runners have recorded, somewhere else than the runner's loop."""

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

    async def aclose(self) -> None:  # noqa: B027
        """Release what this execution holds (connections, clients)."""
