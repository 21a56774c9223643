"""Middleware: ordered objects wrapping the run, each model call and each tool call.

A middleware implements any of three async methods. Each receives the run's context, one
request object and ``next``, the rest of the chain; it returns what ``next`` returns (possibly
changed), may call ``next`` several times (retries) or not at all (a cache, a stop policy)::

    class Timing(Middleware):
        async def wrap_tool_call(self, ctx, call, next):
            started = time.perf_counter()
            try:
                return await next(call)
            finally:
                print(call.name, time.perf_counter() - started)

List order is call order, outermost first. The chain is built once per run, and stages a
middleware does not override cost nothing.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING, Any, TypeVar

from agentkit.context import RunContext
from agentkit.models.base import Model
from agentkit.models.events import FinishReason, ModelToolCall
from agentkit.models.request import ModelRequest
from agentkit.runs.objects import FunctionToolCall, Run
from agentkit.usage import Usage

if TYPE_CHECKING:
    from agentkit.toolsets.base import AnyTool

__all__ = [
    "Middleware",
    "ModelCall",
    "ModelHandler",
    "ModelResponse",
    "RunCall",
    "RunHandler",
    "ToolCall",
    "ToolHandler",
    "build_chain",
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


class Middleware:
    """Base class: every method passes straight through. Override the stages you need."""

    async def wrap_run(self, ctx: RunContext[Any], call: RunCall, next: RunHandler) -> Run:
        """Wrap driving a run; returns the run as it ended or paused."""
        return await next(call)

    async def wrap_model_call(
        self, ctx: RunContext[Any], call: ModelCall, next: ModelHandler
    ) -> ModelResponse:
        """Wrap one model call; returns the complete response."""
        return await next(call)

    async def wrap_tool_call(self, ctx: RunContext[Any], call: ToolCall, next: ToolHandler) -> str:
        """Wrap one tool call; returns the output string or raises `ToolError`."""
        return await next(call)


H = TypeVar("H", RunHandler, ModelHandler, ToolHandler)


def build_chain(middleware: Sequence[Middleware], stage: str, ctx: RunContext[Any], inner: H) -> H:
    """Compose ``inner`` with each middleware's ``stage`` method, the first one outermost."""
    base = getattr(Middleware, stage)
    handler: Any = inner
    for layer in reversed(middleware):
        method = getattr(type(layer), stage)
        if method is base:
            continue
        handler = partial(getattr(layer, stage), ctx, next=handler)
    return handler  # type: ignore[no-any-return]
