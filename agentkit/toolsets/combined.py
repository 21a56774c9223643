"""Several toolsets offered as one, and building one from an agent's ``tools=[...]``."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any

from agentkit.tools.base import Tool
from agentkit.tools.definition import ToolDefinition
from agentkit.toolsets.base import AnyTool, Toolset, check_unique_names
from agentkit.toolsets.function import FunctionToolset

__all__ = ["CombinedToolset", "toolset_from"]


class CombinedToolset(Toolset):
    """The tools of several toolsets, in order.

    Raises:
        UserError: two toolsets offer the same name (the message names both sources). The
            check runs at construction and again whenever `tools` is read, because a
            toolset's contents may change.
    """

    def __init__(self, toolsets: Iterable[Toolset]) -> None:
        self.toolsets = tuple(toolsets)
        self.tools()

    async def prepare(self) -> None:
        # One after the other: a no-op prepare costs nothing, a task per toolset would.
        for toolset in self.toolsets:
            await toolset.prepare()
        self.tools()

    async def aclose(self) -> None:
        for toolset in self.toolsets:
            await toolset.aclose()

    def tools(self) -> Sequence[AnyTool]:
        combined = [item for toolset in self.toolsets for item in toolset.tools()]
        check_unique_names(combined, hint=" (in different toolsets)")
        return tuple(combined)

    def __repr__(self) -> str:
        return f"CombinedToolset({list(self.toolsets)!r})"


def toolset_from(
    items: Iterable[Tool | ToolDefinition | Toolset | Callable[..., Any]],
) -> Toolset:
    """One toolset from a mixed list of tools, definitions, toolsets and plain functions.

    Consecutive non-toolset items are grouped into a `FunctionToolset`; order is kept.

    Raises:
        UserError: an item is not usable as a tool, or two tools share a name.
    """
    parts: list[Toolset] = []
    loose: list[Tool | ToolDefinition | Callable[..., Any]] = []
    for item in items:
        if isinstance(item, Toolset):
            if loose:
                parts.append(FunctionToolset(loose))
                loose = []
            parts.append(item)
        else:
            loose.append(item)
    if loose or not parts:
        parts.append(FunctionToolset(loose))
    return parts[0] if len(parts) == 1 else CombinedToolset(parts)
