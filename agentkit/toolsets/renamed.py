"""A toolset whose tools are offered under other names."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from typing import Any

from agentkit.context import RunContext
from agentkit.exceptions import ToolError, UserError
from agentkit.tools.base import Tool
from agentkit.tools.decorator import FunctionTool
from agentkit.tools.definition import ToolDefinition, check_tool_name
from agentkit.toolsets.base import AnyTool, Toolset, check_unique_names

__all__ = ["RenamedTool", "RenamedToolset", "rename_tool"]


class RenamedTool(Tool):
    """Another `Tool` offered as ``name``; errors it raises carry the new name."""

    def __init__(self, inner: Tool, name: str) -> None:
        self.inner = inner
        self.timeout = inner.timeout
        self.max_model_retries = inner.max_model_retries
        self.retry = inner.retry
        self.idempotent = inner.idempotent
        self.needs_approval = inner.needs_approval
        where = f"renaming {inner.name!r} ({inner.source})"
        self._definition = dataclasses.replace(
            inner.definition, name=check_tool_name(name, where=where)
        )

    @property
    def definition(self) -> ToolDefinition:
        return self._definition

    @property
    def source(self) -> str:
        return self.inner.source

    async def invoke(self, arguments: str, ctx: RunContext[Any] | None = None) -> str:
        try:
            return await self.inner.invoke(arguments, ctx)
        except ToolError as exc:
            exc.tool_name = self.name
            raise


def rename_tool(item: AnyTool, name: str) -> AnyTool:
    """``item`` offered as ``name``, still calling the same implementation."""
    if isinstance(item, ToolDefinition):
        check_tool_name(name, where=f"renaming {item.name!r}")
        return dataclasses.replace(item, name=name)
    if isinstance(item, FunctionTool):
        return item.with_name(name)
    return RenamedTool(item, name)


class RenamedToolset(Toolset):
    """``toolset`` with some tools renamed (``{"old": "new"}``); the others keep their names.

    Raises:
        UserError: ``mapping`` names a tool the toolset lacks, a new name is invalid, or a
            rename collides with another tool. For a toolset whose tools are known only
            once prepared (an MCP server), the names are checked by `prepare`.
    """

    def __init__(self, toolset: Toolset, mapping: Mapping[str, str]) -> None:
        self.toolset = toolset
        self.mapping = dict(mapping)
        if toolset.tools():
            self._check_mapping()
        self.tools()

    async def prepare(self) -> None:
        await self.toolset.prepare()
        self._check_mapping()
        self.tools()

    async def aclose(self) -> None:
        await self.toolset.aclose()

    def _check_mapping(self) -> None:
        names = self.toolset.names()
        missing = sorted(set(self.mapping) - set(names))
        if missing:
            raise UserError(f"cannot rename {missing}: the toolset has {sorted(names)}")

    def tools(self) -> Sequence[AnyTool]:
        renamed = [
            rename_tool(item, self.mapping[name]) if name in self.mapping else item
            for item, name in zip(self.toolset.tools(), self.toolset.names(), strict=True)
        ]
        check_unique_names(renamed, hint=" (after renaming)")
        return tuple(renamed)
