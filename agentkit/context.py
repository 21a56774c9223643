"""The context a tool (or middleware) receives about the run it is part of."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Generic

from typing_extensions import TypeVar

if TYPE_CHECKING:
    from agentkit.runs.protocol import AgentRunner

__all__ = ["RunContext"]

DepsT = TypeVar("DepsT", default=Any)


@dataclass(frozen=True, slots=True)
class RunContext(Generic[DepsT]):
    """What a tool knows about the run that called it.

    Declare a parameter annotated ``RunContext`` (first, before the model-visible ones) and
    the engine injects it; it never appears in the tool's schema.

    Attributes:
        deps: the dependencies passed to the run (``agent.run(..., deps=...)``).
        run_id: the id of the run (``run_...``).
        thread_id: the id of the thread (``thread_...``).
        agent_name: the name of the agent running.
        call_id: the id of the current tool call, inside a tool.
        tool_name: the name of the current tool, inside a tool.
        attempt: how many times this tool has already failed in this run.
        metadata: the run's metadata.
        state: per-run state for middleware and tools: JSON-compatible values only, saved
            with the run and restored when it resumes, in this process or another. Use a
            key of your own (your middleware's name); the dict is shared by the whole run.
        emit: adds an event to the run's stream (middleware use it for `RetryEvent`).
        runner: the runner driving the run, for tools that start runs of their own (an
            agent used as a tool runs in the same store); None outside a run.
    """

    deps: DepsT
    run_id: str = ""
    thread_id: str = ""
    agent_name: str = ""
    call_id: str | None = None
    tool_name: str | None = None
    attempt: int = 0
    metadata: dict[str, Any] = field(default_factory=dict)
    state: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)
    emit: Callable[[Any], None] = field(default=lambda _event: None, repr=False, compare=False)
    runner: AgentRunner | None = field(default=None, repr=False, compare=False)
