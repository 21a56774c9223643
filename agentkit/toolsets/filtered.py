"""A toolset showing only some of another toolset's tools."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from agentkit.tools.definition import ToolDefinition
from agentkit.toolsets.base import AnyTool, Toolset, definition_of

__all__ = ["FilteredToolset"]


class FilteredToolset(Toolset):
    """The tools of ``toolset`` whose definition satisfies ``predicate``.

    Tools filtered out are neither shown to the model nor found by `get`.
    """

    def __init__(self, toolset: Toolset, predicate: Callable[[ToolDefinition], bool]) -> None:
        self.toolset = toolset
        self.predicate = predicate

    async def prepare(self) -> None:
        await self.toolset.prepare()

    async def aclose(self) -> None:
        await self.toolset.aclose()

    def tools(self) -> Sequence[AnyTool]:
        return tuple(t for t in self.toolset.tools() if self.predicate(definition_of(t)))
