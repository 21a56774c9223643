"""The typed events of a run, for ``match`` statements over `agentkit.Agent.iter_run`."""

from agentkit.runs.events import (
    MessageCompletedEvent,
    MessageCreatedEvent,
    RetryEvent,
    RunEvent,
    RunStatusEvent,
    StepCompletedEvent,
    StepCreatedEvent,
    TextDeltaEvent,
    ToolCallFinishedEvent,
    ToolCallStartedEvent,
    UsageEvent,
)

__all__ = [
    "MessageCompletedEvent",
    "MessageCreatedEvent",
    "RetryEvent",
    "RunEvent",
    "RunStatusEvent",
    "StepCompletedEvent",
    "StepCreatedEvent",
    "TextDeltaEvent",
    "ToolCallFinishedEvent",
    "ToolCallStartedEvent",
    "UsageEvent",
]
