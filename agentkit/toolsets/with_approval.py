"""A toolset whose tools need a person's approval before each call (or before some calls)."""

from __future__ import annotations

import copy
from collections.abc import Collection, Sequence

from agentkit.exceptions import UserError
from agentkit.tools.approval import ApprovalRule, check_approval_rule
from agentkit.tools.base import Tool
from agentkit.toolsets.base import AnyTool, Toolset

__all__ = ["ApprovalRequiredToolset"]


class ApprovalRequiredToolset(Toolset):
    """``toolset`` with ``needs_approval`` set on its tools (all, or those in ``names``).

    Useful for tools you did not write (a tool pack, an MCP server). Bare definitions are left
    as they are: the caller answers them anyway.

    Raises:
        UserError: ``names`` lists a tool the toolset lacks, or ``rule`` is not a bool or a
            function.
    """

    def __init__(
        self, toolset: Toolset, rule: ApprovalRule = True, *, names: Collection[str] | None = None
    ) -> None:
        self.toolset = toolset
        self.rule = check_approval_rule(rule, "ApprovalRequiredToolset")
        self.gated = None if names is None else frozenset(names)
        if self.gated is not None and (missing := sorted(self.gated - set(toolset.names()))):
            raise UserError(
                f"ApprovalRequiredToolset: no tool named {missing}; the toolset has "
                f"{sorted(toolset.names())}"
            )

    def tools(self) -> Sequence[AnyTool]:
        return tuple(self._wrapped(item) for item in self.toolset.tools())

    def _wrapped(self, item: AnyTool) -> AnyTool:
        if not isinstance(item, Tool) or (self.gated is not None and item.name not in self.gated):
            return item
        gated = copy.copy(item)
        gated.needs_approval = self.rule
        return gated
