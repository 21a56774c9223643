"""What every runner offers: the contract `Runner` and `RemoteRunner` share.

Code that starts, resumes and cancels runs can take an `AgentRunner` and work with either:
the same calls, the same events, the same `RunResult`.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Protocol

from agentkit.events import RunEvent
from agentkit.middleware.base import Middleware
from agentkit.records import Message, Run, Thread, UserInput
from agentkit.runs.matching import Approvals, ToolOutputs
from agentkit.runs.result import OutputT, RunResult
from agentkit.runs.state import DispatchMode

if TYPE_CHECKING:
    from agentkit.agent import Agent

__all__ = ["AgentRunner"]


class AgentRunner(Protocol):
    """Starts, resumes and cancels runs of agents; implemented by `Runner` and `RemoteRunner`."""

    async def create_thread(
        self, *, messages: Sequence[str] = (), metadata: Mapping[str, str] | None = None
    ) -> Thread:
        """A new thread, optionally starting with user messages."""
        ...

    async def add_message(self, thread: Thread | str, text: str) -> Message:
        """Add a user message to a thread."""
        ...

    def iter_run(
        self,
        agent: Agent[Any, Any],
        input: UserInput | None = None,
        *,
        thread: Thread | str | None = None,
        deps: Any = None,
        dispatch: DispatchMode = "auto",
        middleware: Sequence[Middleware] = (),
        additional_instructions: str | None = None,
        metadata: Mapping[str, str] | None = None,
    ) -> AsyncGenerator[RunEvent, None]:
        """Start a run and stream its events until it ends or pauses."""
        ...

    async def run(
        self, agent: Agent[Any, OutputT], input: UserInput | None = None, **options: Any
    ) -> RunResult[OutputT]:
        """Start a run and wait for it to end or pause."""
        ...

    def iter_submit_tool_outputs(
        self,
        agent: Agent[Any, Any],
        run: Run | str,
        outputs: ToolOutputs,
        *,
        deps: Any = None,
        middleware: Sequence[Middleware] = (),
    ) -> AsyncGenerator[RunEvent, None]:
        """Resume a run paused in ``requires_action`` and stream its events."""
        ...

    async def submit_tool_outputs(
        self, agent: Agent[Any, OutputT], run: Run | str, outputs: ToolOutputs, **options: Any
    ) -> RunResult[OutputT]:
        """Resume a paused run and wait for it to end or pause again."""
        ...

    def iter_submit_tool_approvals(
        self,
        agent: Agent[Any, Any],
        run: Run | str,
        approvals: Approvals,
        *,
        deps: Any = None,
        middleware: Sequence[Middleware] = (),
    ) -> AsyncGenerator[RunEvent, None]:
        """Resume a run waiting for approvals with the decisions and stream its events."""
        ...

    async def submit_tool_approvals(
        self, agent: Agent[Any, OutputT], run: Run | str, approvals: Approvals, **options: Any
    ) -> RunResult[OutputT]:
        """Resume a run waiting for approvals and wait for it to end or pause again."""
        ...

    async def cancel(self, run: Run | str) -> Run:
        """Cancel a run; it ends ``cancelled``."""
        ...

    async def aclose(self) -> None:
        """Cancel what is still running and release resources."""
        ...
