"""A toolset built from a list of functions, tools and bare definitions."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any

from agentkit.exceptions import UserError
from agentkit.tools.base import Tool
from agentkit.tools.decorator import tool
from agentkit.tools.definition import ToolDefinition
from agentkit.toolsets.base import AnyTool, Toolset, check_unique_names

__all__ = ["FunctionToolset", "as_tool"]


def as_tool(item: Tool | ToolDefinition | Callable[..., Any]) -> AnyTool:
    """``item`` as a tool: tools and definitions unchanged, plain callables through ``@tool``."""
    if isinstance(item, Tool | ToolDefinition):
        return item
    if callable(item):
        return tool(item)
    raise UserError(f"expected a tool, a ToolDefinition or a function, got {item!r}")


class FunctionToolset(Toolset):
    """A fixed list of tools.

    Args:
        tools: ``@tool`` functions, other `Tool` objects, bare `ToolDefinition` s (answered
            by the caller), or plain functions (wrapped with ``@tool`` and its defaults).

    Raises:
        UserError: two tools share a name (the message names both sources).
    """

    def __init__(self, tools: Iterable[Tool | ToolDefinition | Callable[..., Any]] = ()) -> None:
        self._tools = [as_tool(item) for item in tools]
        check_unique_names(self._tools)

    def tools(self) -> Sequence[AnyTool]:
        return tuple(self._tools)

    def __repr__(self) -> str:
        return f"FunctionToolset({self.names()!r})"
