"""A collection of tools the engine can look up by name."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Collection, Mapping, Sequence
from typing import TYPE_CHECKING

from agentkit.exceptions import UserError
from agentkit.tools.base import Tool
from agentkit.tools.definition import ToolDefinition

if TYPE_CHECKING:
    from agentkit.tools.approval import ApprovalRule

__all__ = ["AnyTool", "Toolset", "check_unique_names", "definition_of", "source_of"]

AnyTool = Tool | ToolDefinition
"""A tool with an implementation, or a bare definition the caller answers (``requires_action``)."""


def definition_of(tool: AnyTool) -> ToolDefinition:
    """What the model is told about ``tool``."""
    return tool if isinstance(tool, ToolDefinition) else tool.definition


def source_of(tool: AnyTool) -> str:
    """Where ``tool`` comes from, for error messages (``module:qualname`` of its function)."""
    if isinstance(tool, ToolDefinition):
        return f"ToolDefinition(name={tool.name!r})"
    return tool.source


def check_unique_names(tools: Sequence[AnyTool], *, hint: str = "") -> None:
    """Raise `UserError` naming both sources when two tools share a name."""
    seen: dict[str, AnyTool] = {}
    for item in tools:
        name = definition_of(item).name
        if name in seen:
            raise UserError(
                f"two tools are named {name!r}: {source_of(seen[name])} and {source_of(item)}"
                f"{hint}; rename one (tool(name=...), .renamed() or .prefixed())"
            )
        seen[name] = item


class Toolset(ABC):
    """Tools offered to the model, looked up by name when it calls one.

    Implement `tools`; `get` and `definitions` derive from it. The wrappers `prefixed`,
    `filtered`, `renamed` and `approval_required` return new toolsets and leave this one
    unchanged.

    A toolset whose tools are known only after some async work (starting an MCP server,
    asking it for its tools) does that work in `prepare`, which the runner awaits before a
    run's first turn, and releases it in `aclose`, which the runner awaits when it closes.
    """

    @abstractmethod
    def tools(self) -> Sequence[AnyTool]:
        """Every tool in the set, in the order the model should see them."""

    async def prepare(self) -> None:  # noqa: B027 - optional: most toolsets need nothing
        """Make the tools known before a run uses them (start a server, read its tool list).

        The runner awaits it before every run starts or resumes, so it must return at once
        when nothing needs doing; `tools` may still change later. The default does nothing;
        wrappers prepare the toolsets they wrap.

        Raises:
            ToolsetError: the tools could not be made known.
        """

    async def aclose(self) -> None:  # noqa: B027 - optional, as prepare
        """Release what `prepare` started; a later `prepare` starts it again."""

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

    def prefixed(self, prefix: str) -> PrefixedToolset:
        """These tools, named ``{prefix}_{name}``."""
        return PrefixedToolset(self, prefix)

    def filtered(self, predicate: Callable[[ToolDefinition], bool]) -> FilteredToolset:
        """Only the tools whose definition satisfies ``predicate``."""
        return FilteredToolset(self, predicate)

    def renamed(self, mapping: Mapping[str, str]) -> RenamedToolset:
        """These tools, with the names in ``mapping`` (old name -> new name) changed."""
        return RenamedToolset(self, mapping)

    def approval_required(
        self, rule: ApprovalRule = True, *, names: Collection[str] | None = None
    ) -> ApprovalRequiredToolset:
        """These tools (or those in ``names``), each call waiting for a person's approval."""
        return ApprovalRequiredToolset(self, rule, names=names)


# The wrappers subclass `Toolset`, and its methods build them: they are imported once the
# class exists (one module per wrapper, as for every toolset).
from agentkit.toolsets.filtered import FilteredToolset  # noqa: E402
from agentkit.toolsets.prefixed import PrefixedToolset  # noqa: E402
from agentkit.toolsets.renamed import RenamedToolset  # noqa: E402
from agentkit.toolsets.with_approval import ApprovalRequiredToolset  # noqa: E402
