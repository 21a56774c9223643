"""A collection of tools the engine can look up by name."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence

from agentkit.tools.base import Tool
from agentkit.tools.definition import ToolDefinition

__all__ = ["AnyTool", "Toolset", "definition_of"]

AnyTool = Tool | ToolDefinition
"""A tool with an implementation, or a bare definition the caller answers (``requires_action``)."""


def definition_of(tool: AnyTool) -> ToolDefinition:
    """What the model is told about ``tool``."""
    return tool if isinstance(tool, ToolDefinition) else tool.definition


class Toolset(ABC):
    """Tools offered to the model, looked up by name when it calls one.

    Implement `tools`; `get` and `definitions` derive from it.
    """

    @abstractmethod
    def tools(self) -> Sequence[AnyTool]:
        """Every tool in the set, in the order the model should see them."""

    def get(self, name: str) -> AnyTool | None:
        """The tool called ``name``, or None."""
        for candidate in self.tools():
            if definition_of(candidate).name == name:
                return candidate
        return None

    def definitions(self) -> list[ToolDefinition]:
        """The definitions sent to the model."""
        return [definition_of(t) for t in self.tools()]

    def names(self) -> list[str]:
        """The tool names, in order."""
        return [d.name for d in self.definitions()]
