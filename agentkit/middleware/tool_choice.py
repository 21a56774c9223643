"""Tool-choice policies: pure resolvers from the run so far to the next turn's tool choice.

A policy is consulted before every model call. ``ToolChoiceMiddleware`` applies one; the
engine always installs it innermost with the agent's ``tool_choice``.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

from agentkit.calls import ModelCall, ModelHandler, ModelResponse
from agentkit.context import RunContext
from agentkit.exceptions import UserError
from agentkit.middleware.base import Middleware
from agentkit.models.request import AllowedTools, NamedToolChoice, ToolChoice
from agentkit.records import FunctionToolCall
from agentkit.usage import Usage

__all__ = [
    "FixedToolChoice",
    "ToolChoiceMiddleware",
    "ToolChoicePolicy",
    "TurnInfo",
    "as_policy",
    "canonical_tool_choice",
]


@dataclass(frozen=True, slots=True)
class TurnInfo:
    """What a policy may look at.

    Attributes:
        turn: the 1-based index of the model call about to be made.
        tool_history: the tool calls made so far in the run, with outputs.
        last_turn_calls: the calls of the previous turn (empty on the first turn).
        tool_names: the tools offered.
    """

    turn: int
    tool_history: tuple[FunctionToolCall, ...]
    last_turn_calls: tuple[FunctionToolCall, ...]
    tool_names: tuple[str, ...]


class ToolChoicePolicy(ABC):
    """Decides each turn's tool choice, and whether a turn's tool output ends the run."""

    @abstractmethod
    def resolve(self, info: TurnInfo) -> ToolChoice:
        """The tool choice for the coming turn."""

    def final_output(self, info: TurnInfo) -> str | None:
        """The run's final answer taken from the last turn's tool output, or None to go on."""
        return None


def canonical_tool_choice(value: ToolChoice | str) -> ToolChoice:
    """``"auto"``/``"none"``/``"required"`` as they are; any other string names a tool."""
    if isinstance(value, NamedToolChoice | AllowedTools):
        return value
    if value in ("auto", "none", "required"):
        return value  # type: ignore[return-value]
    if isinstance(value, str) and value:
        return NamedToolChoice(value)
    raise UserError(f"tool_choice {value!r} is not 'auto', 'none', 'required' or a tool name")


@dataclass(frozen=True, slots=True)
class FixedToolChoice(ToolChoicePolicy):
    """One tool choice, reset to ``auto`` once a tool has been used (unless ``reset`` is off).

    The reset is the default so that ``required`` or a named tool cannot loop forever.
    """

    choice: ToolChoice = "auto"
    reset: bool = True

    def resolve(self, info: TurnInfo) -> ToolChoice:
        if self.reset and info.tool_history and self.choice != "none":
            return "auto"
        return self.choice


def as_policy(value: ToolChoicePolicy | ToolChoice | str) -> ToolChoicePolicy:
    """A policy for the agent's ``tool_choice`` setting."""
    if isinstance(value, ToolChoicePolicy):
        return value
    return FixedToolChoice(canonical_tool_choice(value))


class ToolChoiceMiddleware(Middleware):
    """Applies a policy to every model call; a final tool output ends the run without a call."""

    def __init__(self, policy: ToolChoicePolicy | ToolChoice | str) -> None:
        self.policy = as_policy(policy)

    async def wrap_model_call(
        self, ctx: RunContext[Any], call: ModelCall, next: ModelHandler
    ) -> ModelResponse:
        info = _turn_info(call)
        final = self.policy.final_output(info)
        if final is not None:
            return ModelResponse(text=final, tool_calls=(), usage=Usage())
        choice = self.policy.resolve(info)
        if choice == call.request.tool_choice:
            return await next(call)
        return await next(replace(call, request=replace(call.request, tool_choice=choice)))


def _turn_info(call: ModelCall) -> TurnInfo:
    history = call.tool_history
    return TurnInfo(
        turn=call.request.turn,
        tool_history=history,
        last_turn_calls=_last_turn(history, call.request.items),
        tool_names=tuple(t.name for t in call.request.tools),
    )


def _last_turn(
    history: tuple[FunctionToolCall, ...], items: Sequence[Any]
) -> tuple[FunctionToolCall, ...]:
    # The previous turn's calls are the tool-call items at the end of the request, after the
    # last assistant or user message.
    trailing: list[str] = []
    for item in reversed(items):
        if item.kind == "tool_output":
            continue
        if item.kind != "tool_call":
            break
        trailing.append(item.call_id)
    wanted = set(trailing)
    return tuple(c for c in history if c.id in wanted)
