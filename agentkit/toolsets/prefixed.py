"""A toolset whose tool names all carry a prefix (``{prefix}_{name}``)."""

from __future__ import annotations

from collections.abc import Sequence

from agentkit.tools.definition import check_tool_name
from agentkit.toolsets.base import AnyTool, Toolset, definition_of
from agentkit.toolsets.renamed import rename_tool

__all__ = ["PrefixedToolset"]


class PrefixedToolset(Toolset):
    """``toolset`` with every name prefixed, to keep tools from several packs apart.

    Raises:
        UserError: the prefix, or a prefixed name, is not a valid tool name.
    """

    def __init__(self, toolset: Toolset, prefix: str) -> None:
        check_tool_name(prefix, where="PrefixedToolset prefix")
        self.toolset = toolset
        self.prefix = prefix
        self.tools()

    async def prepare(self) -> None:
        await self.toolset.prepare()

    async def aclose(self) -> None:
        await self.toolset.aclose()

    def tools(self) -> Sequence[AnyTool]:
        return tuple(
            rename_tool(item, f"{self.prefix}_{definition_of(item).name}")
            for item in self.toolset.tools()
        )
