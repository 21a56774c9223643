"""The values the engine passes through middleware: a run, a model call, a tool call.

These are the engine's shared vocabulary, below the middleware that wrap them and the loop
that makes them: `RunCall`, `ModelCall` and its `ModelResponse`, `ToolCall`, and the handler
types each middleware stage receives as ``next``.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from agentkit.models.base import Model
from agentkit.models.events import FinishReason, ModelToolCall
from agentkit.models.request import ModelRequest
from agentkit.records import FunctionToolCall, Run
from agentkit.usage import Usage

if TYPE_CHECKING:
    from agentkit.toolsets.base import AnyTool

__all__ = [
    "ModelCall",
    "ModelHandler",
    "ModelResponse",
    "RunCall",
    "RunHandler",
    "ToolCall",
    "ToolHandler",
]


@dataclass(frozen=True, slots=True)
class RunCall:
    """The run being driven (started, or resumed after tool outputs were submitted).

    Attributes:
        run: the run as it is when driving begins.
        resumed: whether this continues a run that paused in ``requires_action``.
    """

    run: Run
    resumed: bool = False


@dataclass(frozen=True, slots=True)
class ModelCall:
    """One call to the model.

    Attributes:
        request: what the adapter receives; replace it to change the call (tool choice,
            settings, ...).
        on_text: receives each text delta as it streams; a retry middleware may filter it so
            that text already shown is not shown again.
        tool_history: every tool call made so far in this run, oldest first, with outputs.
        model: the adapter the call goes to (for its name and provider in logs and spans).
        usage: the run's usage before this call (it survives a resume in another process).
    """

    request: ModelRequest
    on_text: Callable[[str], None]
    tool_history: tuple[FunctionToolCall, ...] = ()
    model: Model | None = None
    usage: Usage = Usage()


@dataclass(frozen=True, slots=True)
class ModelResponse:
    """A complete model reply.

    Attributes:
        text: the answer text (may be empty when the model only called tools).
        tool_calls: the function calls, in the model's order.
        usage: tokens used by this call.
        response_id: the API's response id, when it has one.
        finish_reason: why the model stopped.
        incomplete_reason: why the answer was cut short, if it was.
    """

    text: str
    tool_calls: tuple[ModelToolCall, ...]
    usage: Usage
    response_id: str | None = None
    finish_reason: FinishReason = "stop"
    incomplete_reason: str | None = None


@dataclass(frozen=True, slots=True)
class ToolCall:
    """One tool call about to run.

    Attributes:
        call_id: the model's id for the call.
        name: the tool name the model used.
        arguments: the JSON arguments string, as the model produced it.
        tool: the tool that will run, or None when the agent has no tool by that name.
        step_id: the ``tool_calls`` run step the call belongs to.
    """

    call_id: str
    name: str
    arguments: str
    tool: AnyTool | None = None
    step_id: str | None = None


RunHandler = Callable[[RunCall], Awaitable[Run]]
ModelHandler = Callable[[ModelCall], Awaitable[ModelResponse]]
ToolHandler = Callable[[ToolCall], Awaitable[str]]
