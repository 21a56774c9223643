"""Ready-made tool-choice policies, each a pure function of the run so far.

Give one as the agent's ``tool_choice``. Besides `FixedToolChoice` (what a plain
``"auto"``/``"none"``/``"required"``/tool name becomes, reset to ``auto`` after a tool was
used):

- `ToolFirst`: call this tool first, then let the model choose;
- `RequiredUntil`: a tool call is required until ``n`` calls were made;
- `AllowedToolsPolicy`: only a subset of the tools, fixed or chosen per turn;
- `StopOnFirstTool` / `StopAtTools`: a tool's output is the run's final answer, with no
  further model call.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Literal

from agentkit.exceptions import UserError
from agentkit.models.request import AllowedTools, NamedToolChoice, ToolChoice
from agentkit.tool_choice.base import (
    FixedToolChoice,
    ToolChoicePolicy,
    TurnInfo,
    as_policy,
)

__all__ = [
    "AllowedToolsPolicy",
    "RequiredUntil",
    "StopAtTools",
    "StopOnFirstTool",
    "ToolFirst",
]


def _check_name(name: object, where: str) -> str:
    if not isinstance(name, str) or not name:
        raise UserError(f"{where}: a tool name must be a non-empty string, got {name!r}")
    return name


@dataclass(frozen=True, slots=True)
class ToolFirst(ToolChoicePolicy):
    """Force ``name`` until it has been called once, then ``auto``."""

    name: str

    def __post_init__(self) -> None:
        _check_name(self.name, "ToolFirst")

    def resolve(self, info: TurnInfo) -> ToolChoice:
        if any(call.function.name == self.name for call in info.tool_history):
            return "auto"
        return NamedToolChoice(self.name)


@dataclass(frozen=True, slots=True)
class RequiredUntil(ToolChoicePolicy):
    """``required`` until the run has made ``calls`` tool calls, then ``auto``."""

    calls: int

    def __post_init__(self) -> None:
        if not isinstance(self.calls, int) or self.calls < 1:
            raise UserError(f"RequiredUntil: calls must be an int >= 1, got {self.calls!r}")

    def resolve(self, info: TurnInfo) -> ToolChoice:
        return "required" if len(info.tool_history) < self.calls else "auto"


@dataclass(frozen=True, slots=True)
class AllowedToolsPolicy(ToolChoicePolicy):
    """Offer only some tools each turn (the adapters send ``allowed_tools``).

    Attributes:
        tools: the allowed names, or a function choosing them per turn.
        mode: ``auto`` (the model may answer without a tool) or ``required``.
    """

    tools: Sequence[str] | Callable[[TurnInfo], Sequence[str]]
    mode: Literal["auto", "required"] = "auto"

    def __post_init__(self) -> None:
        if isinstance(self.tools, str) or not (
            callable(self.tools) or isinstance(self.tools, Sequence)
        ):
            raise UserError(
                "AllowedToolsPolicy: tools must be a list of names or a function of the turn, "
                f"got {self.tools!r}"
            )
        if self.mode not in ("auto", "required"):
            raise UserError(f"AllowedToolsPolicy: mode must be auto or required, not {self.mode!r}")

    def resolve(self, info: TurnInfo) -> ToolChoice:
        names = self.tools(info) if callable(self.tools) else self.tools
        allowed = tuple(name for name in names if name in info.tool_names)
        if not allowed:
            return "none"
        return AllowedTools(allowed, self.mode)


@dataclass(frozen=True, slots=True)
class StopOnFirstTool(ToolChoicePolicy):
    """The first successful tool output is the final answer; ``then`` picks each tool choice.

    A turn whose calls all failed goes back to the model, so that it can fix its call.
    """

    then: ToolChoicePolicy | ToolChoice | str = field(default_factory=FixedToolChoice)

    def resolve(self, info: TurnInfo) -> ToolChoice:
        return as_policy(self.then).resolve(info)

    def final_output(self, info: TurnInfo) -> str | None:
        for call in info.last_turn_calls:
            if call.error is None and call.function.output is not None:
                return call.function.output
        return None


@dataclass(frozen=True, slots=True)
class StopAtTools(ToolChoicePolicy):
    """A successful call of one of ``names`` ends the run with its output as the answer.

    Attributes:
        names: the tools whose output is final.
        then: the policy picking each turn's tool choice (default ``auto`` with reset).
    """

    names: tuple[str, ...]
    then: ToolChoicePolicy | ToolChoice | str = field(default_factory=FixedToolChoice)

    def __post_init__(self) -> None:
        if isinstance(self.names, str) or not self.names:
            raise UserError(f"StopAtTools: names must be a non-empty tuple, got {self.names!r}")
        for name in self.names:
            _check_name(name, "StopAtTools")

    def resolve(self, info: TurnInfo) -> ToolChoice:
        return as_policy(self.then).resolve(info)

    def final_output(self, info: TurnInfo) -> str | None:
        for call in info.last_turn_calls:
            if call.function.name in self.names and call.error is None:
                return call.function.output
        return None
