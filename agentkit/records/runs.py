"""Runs, what they wait for, and their steps."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field, field_validator

from agentkit.records.base import (
    TERMINAL_RUN_STATUSES,
    ApiObject,
    RunStatus,
    new_id,
    now,
)
from agentkit.records.messages import IncompleteDetails
from agentkit.records.tool_calls import FunctionToolCall
from agentkit.redaction import mask_credentials

__all__ = [
    "LastError",
    "MessageCreation",
    "MessageCreationDetails",
    "MessageCreationStepDetails",
    "RequiredAction",
    "Run",
    "RunStep",
    "RunUsage",
    "SubmitToolApproval",
    "SubmitToolOutputs",
    "ToolCallsStepDetails",
    "TruncationStrategy",
]


class SubmitToolOutputs(ApiObject):
    """The calls waiting for outputs."""

    tool_calls: list[FunctionToolCall]


class SubmitToolApproval(ApiObject):
    """The calls waiting for a person to approve, deny or edit them."""

    tool_calls: list[FunctionToolCall]


class RequiredAction(ApiObject):
    """What the caller must do for a run in ``requires_action``.

    ``submit_tool_outputs``: run these calls and submit their outputs.
    ``submit_tool_approval`` (Foundry's shape): decide these calls (`ToolApproval`), and
    agentkit runs the approved ones; ``submit_tool_outputs`` then lists no call.
    """

    type: Literal["submit_tool_outputs", "submit_tool_approval"] = "submit_tool_outputs"
    submit_tool_outputs: SubmitToolOutputs = Field(
        default_factory=lambda: SubmitToolOutputs(tool_calls=[])
    )
    submit_tool_approval: SubmitToolApproval | None = None

    @property
    def tool_calls(self) -> list[FunctionToolCall]:
        """The calls waiting, whichever the kind of action."""
        waiting = self.submit_tool_approval or self.submit_tool_outputs
        return list(waiting.tool_calls)

    def wire(self) -> dict[str, Any]:
        calls = self.tool_calls
        return {"type": self.type, self.type: {"tool_calls": [c.wire() for c in calls]}}


class LastError(ApiObject):
    """Why a run failed. Credentials an upstream echoed in ``message`` are masked."""

    code: str
    message: str

    @field_validator("message")
    @classmethod
    def _mask(cls, message: str) -> str:
        return mask_credentials(message)


class RunUsage(ApiObject):
    """Token usage in the Assistants API's field names."""

    prompt_tokens: int = 0
    completion_tokens: int = 0
    total_tokens: int = 0


class TruncationStrategy(ApiObject):
    """How much of the thread the model sees: everything that fits, or the last N messages."""

    type: Literal["auto", "last_messages"] = "auto"
    last_messages: int | None = None


class Run(ApiObject):
    """One activation of an agent on a thread."""

    id: str = Field(default_factory=lambda: new_id("run"))
    object: Literal["thread.run"] = "thread.run"
    created_at: int = Field(default_factory=now)
    thread_id: str
    assistant_id: str
    status: RunStatus = "queued"
    required_action: RequiredAction | None = None
    last_error: LastError | None = None
    expires_at: int | None = None
    started_at: int | None = None
    cancelled_at: int | None = None
    failed_at: int | None = None
    completed_at: int | None = None
    incomplete_details: IncompleteDetails | None = None
    model: str = ""
    instructions: str = ""
    tools: list[dict[str, Any]] = Field(default_factory=list)
    metadata: dict[str, str] = Field(default_factory=dict)
    usage: RunUsage | None = None
    temperature: float | None = None
    top_p: float | None = None
    max_prompt_tokens: int | None = None
    max_completion_tokens: int | None = None
    truncation_strategy: TruncationStrategy = Field(default_factory=TruncationStrategy)
    response_format: Any = "auto"
    tool_choice: Any = "auto"
    parallel_tool_calls: bool = True

    @property
    def is_terminal(self) -> bool:
        """Whether the run has ended (completed, failed, cancelled, expired, incomplete)."""
        return self.status in TERMINAL_RUN_STATUSES

    def wire(self) -> dict[str, Any]:
        data = self.model_dump(mode="json")
        if self.required_action is not None:
            data["required_action"] = self.required_action.wire()
        return data


class MessageCreation(ApiObject):
    """The message a ``message_creation`` step wrote."""

    message_id: str


class MessageCreationStepDetails(ApiObject):
    """Details of a ``message_creation`` step."""

    type: Literal["message_creation"] = "message_creation"
    message_creation: MessageCreation


MessageCreationDetails = MessageCreationStepDetails


class ToolCallsStepDetails(ApiObject):
    """Details of a ``tool_calls`` step."""

    type: Literal["tool_calls"] = "tool_calls"
    tool_calls: list[FunctionToolCall]


class RunStep(ApiObject):
    """One step of a run: the model wrote a message, or called tools."""

    id: str = Field(default_factory=lambda: new_id("step"))
    object: Literal["thread.run.step"] = "thread.run.step"
    created_at: int = Field(default_factory=now)
    run_id: str
    thread_id: str
    assistant_id: str
    type: Literal["message_creation", "tool_calls"]
    status: Literal["in_progress", "cancelled", "failed", "completed", "expired"] = "in_progress"
    step_details: MessageCreationStepDetails | ToolCallsStepDetails = Field(discriminator="type")
    last_error: LastError | None = None
    expired_at: int | None = None
    cancelled_at: int | None = None
    failed_at: int | None = None
    completed_at: int | None = None
    metadata: dict[str, str] = Field(default_factory=dict)
    usage: RunUsage | None = None

    def wire(self) -> dict[str, Any]:
        data = self.model_dump(mode="json")
        details = self.step_details
        if isinstance(details, ToolCallsStepDetails):
            data["step_details"]["tool_calls"] = [call.wire() for call in details.tool_calls]
        return data
