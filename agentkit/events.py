"""The typed events a run streams: one frozen dataclass per kind, joined in `RunEvent`.

Consumers ``match`` on the class::

    async for event in agent.iter_run("hi"):
        match event:
            case TextDeltaEvent(text=text):
                print(text, end="")
            case ToolCallFinishedEvent(name=name, duration_ms=ms):
                print(f"{name} took {ms:.0f} ms")
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal, TypeAlias

from agentkit.records import HostedCall, Message, Run, RunStatus, RunStep, ToolCallError
from agentkit.usage import Usage

__all__ = [
    "FinalOutputEvent",
    "HandoffEvent",
    "HostedCallEvent",
    "MCPServerRestartedEvent",
    "MessageCompletedEvent",
    "MessageCreatedEvent",
    "RetryEvent",
    "RunEvent",
    "RunStatusEvent",
    "StepCompletedEvent",
    "StepCreatedEvent",
    "SubRunEvent",
    "TextDeltaEvent",
    "ToolCallFinishedEvent",
    "ToolCallStartedEvent",
    "UsageEvent",
]


@dataclass(frozen=True, slots=True)
class RunStatusEvent:
    """The run moved to a new status (``queued``, ``in_progress``, ... ``completed``)."""

    run: Run
    kind: Literal["run.status"] = "run.status"

    @property
    def status(self) -> RunStatus:
        """The new status."""
        return self.run.status


@dataclass(frozen=True, slots=True)
class StepCreatedEvent:
    """A run step began: the model is writing a message, or tools are being called."""

    step: RunStep
    kind: Literal["step.created"] = "step.created"


@dataclass(frozen=True, slots=True)
class StepCompletedEvent:
    """A run step ended (its status says how: completed, failed, cancelled, expired)."""

    step: RunStep
    kind: Literal["step.completed"] = "step.completed"


@dataclass(frozen=True, slots=True)
class MessageCreatedEvent:
    """The assistant started a message; text deltas for it follow."""

    message: Message
    kind: Literal["message.created"] = "message.created"


@dataclass(frozen=True, slots=True)
class TextDeltaEvent:
    """A piece of the assistant's answer, as it arrives."""

    message_id: str
    text: str
    kind: Literal["text.delta"] = "text.delta"


@dataclass(frozen=True, slots=True)
class MessageCompletedEvent:
    """The assistant's message is complete and stored in the thread."""

    message: Message
    kind: Literal["message.completed"] = "message.completed"


@dataclass(frozen=True, slots=True)
class ToolCallStartedEvent:
    """A tool call began running."""

    call_id: str
    name: str
    arguments: str
    kind: Literal["tool_call.started"] = "tool_call.started"


@dataclass(frozen=True, slots=True)
class ToolCallFinishedEvent:
    """A tool call ended with an output (or an error, whose model-visible text is ``output``)."""

    call_id: str
    name: str
    arguments: str
    output: str
    error: ToolCallError | None
    duration_ms: float
    kind: Literal["tool_call.finished"] = "tool_call.finished"


@dataclass(frozen=True, slots=True)
class HostedCallEvent:
    """A hosted tool's call produced its outputs (the code interpreter's logs and images).

    Comes before the call's `ToolCallFinishedEvent`; ``call`` is what its step will record.
    """

    call_id: str
    call: HostedCall
    kind: Literal["hosted_call"] = "hosted_call"


@dataclass(frozen=True, slots=True)
class UsageEvent:
    """A model call (or a sub-agent's run, `Agent.as_tool`) reported its token usage.

    Attributes:
        usage: this call's usage.
        total: the run's usage so far.
    """

    usage: Usage
    total: Usage
    kind: Literal["usage"] = "usage"


@dataclass(frozen=True, slots=True)
class RetryEvent:
    """A model or tool call failed and is being tried again.

    Attributes:
        target: ``model`` or the tool's name.
        attempt: the attempt that failed (1-based).
        delay: seconds before the next attempt.
        error: why it failed.
    """

    target: str
    attempt: int
    delay: float
    error: str
    kind: Literal["retry"] = "retry"


@dataclass(frozen=True, slots=True)
class FinalOutputEvent:
    """The final answer, validated into the agent's ``output_type`` (typed agents only).

    Attributes:
        output: the value (``result.output``).
        message_id: the assistant message holding the answer as JSON.
    """

    output: Any
    message_id: str | None
    kind: Literal["output"] = "output"


@dataclass(frozen=True, slots=True)
class HandoffEvent:
    """Another agent answers from now on: a handoff, or the thread's agent taking the run.

    Attributes:
        from_agent: the id (``assistant_id``) of the agent that had the conversation.
        to_agent: the id of the agent that has it now.
        to_name: that agent's name.
        call_id: the model's handoff call, or None when the run starts with the agent the
            thread was handed to earlier.
    """

    from_agent: str
    to_agent: str
    to_name: str
    call_id: str | None
    kind: Literal["handoff"] = "handoff"


@dataclass(frozen=True, slots=True)
class SubRunEvent:
    """A tool ran another agent (`Agent.as_tool`); its run, as it ended.

    Attributes:
        call_id: the tool call that ran it.
        run: the sub-agent's run, on a thread of its own.
        usage: what it used (counted in the calling run's usage).
    """

    call_id: str
    run: Run
    usage: Usage
    kind: Literal["sub_run"] = "sub_run"


@dataclass(frozen=True, slots=True)
class MCPServerRestartedEvent:
    """An MCP server had stopped and was started again for a tool call of this run.

    The server crashed, was killed, or lost its connection since its last use; the call
    that found it stopped started it again.

    Attributes:
        server: the toolset's name for the server.
        reason: how it had stopped (``the process exited with status 3``...).
        restarts: how many times it has been restarted since the toolset first started it.
    """

    server: str
    reason: str
    restarts: int
    kind: Literal["mcp.server_restarted"] = "mcp.server_restarted"


RunEvent: TypeAlias = (
    RunStatusEvent
    | StepCreatedEvent
    | StepCompletedEvent
    | MessageCreatedEvent
    | TextDeltaEvent
    | MessageCompletedEvent
    | ToolCallStartedEvent
    | ToolCallFinishedEvent
    | HostedCallEvent
    | UsageEvent
    | RetryEvent
    | FinalOutputEvent
    | HandoffEvent
    | SubRunEvent
    | MCPServerRestartedEvent
)
"""Every event a run can stream."""
