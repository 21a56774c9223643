"""Tool-choice policies: pure resolvers from the run so far to the next turn's tool choice.

The engine asks the agent's policy before every model call, puts the answer on the
`ModelRequest` (where middleware see it and may replace it), and, before calling the model at
all, asks whether the last turn's tool output is already the final answer.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass
from typing import Any

from agentkit.exceptions import UserError
from agentkit.models.request import AllowedTools, NamedToolChoice, ToolChoice
from agentkit.records import FunctionToolCall

__all__ = [
    "FixedToolChoice",
    "ToolChoicePolicy",
    "TurnInfo",
    "as_policy",
    "canonical_tool_choice",
    "wire_tool_choice",
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


def wire_tool_choice(choice: ToolChoice) -> Any:
    """``choice`` as a run records it: the Assistants API's ``tool_choice`` shape.

    Allowed-tools choices, which the Assistants API lacks, take the Responses API's shape.
    """
    if isinstance(choice, NamedToolChoice):
        return {"type": "function", "function": {"name": choice.name}}
    if isinstance(choice, AllowedTools):
        tools = [{"type": "function", "name": name} for name in choice.names]
        return {"type": "allowed_tools", "mode": choice.mode, "tools": tools}
    return choice
