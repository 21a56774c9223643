"""`approval_required`: tools you did not write wait for a person, the wrapped set unchanged."""

from __future__ import annotations

import pytest

from agentkit import ToolDefinition, tool
from agentkit.exceptions import UserError
from agentkit.tools.base import Tool
from agentkit.toolsets import FunctionToolset


@tool
def lookup(order_id: int) -> str:
    """Look an order up."""
    return "found"


@tool
def delete(order_id: int) -> str:
    """Delete an order."""
    return "deleted"


MANUAL = ToolDefinition(name="manual")


def gates(tools: object) -> dict[str, object]:
    assert isinstance(tools, tuple)
    return {t.name: t.needs_approval for t in tools if isinstance(t, Tool)}


def test_every_tool_needs_approval_and_the_original_set_is_unchanged() -> None:
    toolset = FunctionToolset([lookup, delete, MANUAL])

    gated = toolset.approval_required()

    assert gates(gated.tools()) == {"lookup": True, "delete": True}
    assert (lookup.needs_approval, delete.needs_approval) == (False, False)
    assert gated.get("manual") is MANUAL


def test_only_the_named_tools_with_a_rule() -> None:
    def rule(ctx: object, arguments: dict[str, object]) -> bool:
        return True

    gated = FunctionToolset([lookup, delete]).approval_required(rule, names=["delete"])

    assert gates(gated.tools()) == {"lookup": False, "delete": rule}


def test_an_unknown_name_or_a_bad_rule_is_a_user_error() -> None:
    with pytest.raises(UserError, match=r"no tool named \['remove'\]"):
        FunctionToolset([lookup]).approval_required(names=["remove"])
    with pytest.raises(UserError, match="needs_approval must be True, False or a function"):
        FunctionToolset([lookup]).approval_required("yes")  # type: ignore[arg-type]


def test_tool_rejects_a_needs_approval_that_is_not_a_rule() -> None:
    with pytest.raises(UserError, match=r"@tool on .*: needs_approval must be"):

        @tool(needs_approval="always")  # type: ignore[call-overload, untyped-decorator]
        def refund() -> str:
            """Refund."""
            return ""
