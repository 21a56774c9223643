"""FunctionToolset, CombinedToolset, toolset_from and the prefixed/filtered/renamed wrappers."""

from __future__ import annotations

import pytest

from agentkit.context import RunContext
from agentkit.exceptions import ToolError, ToolValidationError, UserError
from agentkit.tools import Tool, ToolDefinition, tool
from agentkit.toolsets import (
    CombinedToolset,
    FunctionToolset,
    RenamedTool,
    Toolset,
    toolset_from,
)


@tool
def add(a: int, b: int) -> int:
    """Add."""
    return a + b


@tool
def shout(text: str) -> str:
    """Shout."""
    return text.upper()


def plain_echo(text: str) -> str:
    """Echo."""
    return text


MANUAL = ToolDefinition("approve", "Ask a human.", strict=False)


class EchoTool(Tool):
    """A hand-written Tool (not from @tool)."""

    @property
    def definition(self) -> ToolDefinition:
        return ToolDefinition("echo_raw")

    async def invoke(self, arguments: str, ctx: RunContext[object] | None = None) -> str:
        if arguments == "bad":
            raise ToolValidationError("bad", tool_name="echo_raw", errors=[])
        return arguments


def test_function_toolset_accepts_tools_plain_functions_and_definitions() -> None:
    toolset = FunctionToolset([add, plain_echo, MANUAL])

    assert toolset.names() == ["add", "plain_echo", "approve"]
    assert toolset.get("add") is add
    assert toolset.get("approve") is MANUAL
    assert toolset.get("missing") is None


async def test_plain_function_is_wrapped_with_tool() -> None:
    wrapped = FunctionToolset([plain_echo]).get("plain_echo")

    assert isinstance(wrapped, Tool)
    assert await wrapped.invoke('{"text": "hi"}') == "hi"


def test_duplicate_names_name_both_sources() -> None:
    other_add = tool(name="add")(plain_echo)

    with pytest.raises(UserError) as info:
        FunctionToolset([add, other_add])
    message = str(info.value)
    assert f"{__name__}:add" in message
    assert f"{__name__}:plain_echo" in message


def test_duplicate_definition_names_the_definition() -> None:
    with pytest.raises(UserError, match=r"ToolDefinition\(name='add'\)"):
        FunctionToolset([add, ToolDefinition("add")])


def test_non_tool_item_is_a_user_error() -> None:
    with pytest.raises(UserError, match="expected a tool"):
        FunctionToolset([42])  # type: ignore[list-item]


def test_definitions_are_the_tools_definitions_in_order() -> None:
    assert FunctionToolset([shout, add]).definitions() == [shout.definition, add.definition]


def test_combined_toolset_keeps_order_and_refuses_duplicates_across_toolsets() -> None:
    combined = CombinedToolset([FunctionToolset([add]), FunctionToolset([shout])])
    assert combined.names() == ["add", "shout"]

    with pytest.raises(UserError, match=r"two tools are named 'add'.*in different toolsets"):
        CombinedToolset([FunctionToolset([add]), FunctionToolset([add.with_name("add")])])


def test_toolset_from_groups_loose_items_and_keeps_toolsets() -> None:
    inner = FunctionToolset([shout])
    toolset = toolset_from([add, inner, plain_echo, MANUAL])

    assert isinstance(toolset, CombinedToolset)
    assert toolset.names() == ["add", "shout", "plain_echo", "approve"]


def test_toolset_from_a_single_toolset_returns_it() -> None:
    inner = FunctionToolset([shout])

    assert toolset_from([inner]) is inner


def test_toolset_from_nothing_is_empty() -> None:
    assert toolset_from([]).names() == []


def test_toolset_from_refuses_duplicates() -> None:
    with pytest.raises(UserError, match="two tools are named 'add'"):
        toolset_from([add, FunctionToolset([add])])


async def test_prefixed_names_call_the_same_function() -> None:
    prefixed = FunctionToolset([add, MANUAL]).prefixed("math")

    assert prefixed.names() == ["math_add", "math_approve"]
    math_add = prefixed.get("math_add")
    assert isinstance(math_add, Tool)
    assert await math_add.invoke('{"a": 1, "b": 2}') == "3"


async def test_prefixed_tool_errors_carry_the_name_the_model_used() -> None:
    math_add = FunctionToolset([add]).prefixed("math").get("math_add")
    assert isinstance(math_add, Tool)

    with pytest.raises(ToolValidationError) as info:
        await math_add.invoke("{}")
    assert info.value.tool_name == "math_add"
    assert "tool 'math_add'" in str(info.value)


def test_prefix_that_makes_a_name_too_long_is_a_user_error() -> None:
    with pytest.raises(UserError, match="tool name"):
        FunctionToolset([add]).prefixed("p" * 62)


def test_invalid_prefix_is_a_user_error() -> None:
    with pytest.raises(UserError, match="prefix"):
        FunctionToolset([add]).prefixed("bad prefix")


def test_filtered_hides_tools_from_definitions_and_get() -> None:
    filtered = FunctionToolset([add, shout]).filtered(lambda d: d.name != "add")

    assert filtered.names() == ["shout"]
    assert filtered.get("add") is None


async def test_renamed_tool_is_offered_under_the_new_name() -> None:
    renamed = FunctionToolset([add, shout, MANUAL]).renamed({"add": "plus", "approve": "ok"})

    assert renamed.names() == ["plus", "shout", "ok"]
    plus = renamed.get("plus")
    assert isinstance(plus, Tool)
    assert await plus.invoke('{"a": 2, "b": 2}') == "4"


def test_renaming_a_missing_tool_is_a_user_error() -> None:
    with pytest.raises(UserError, match=r"cannot rename \['nope'\]"):
        FunctionToolset([add]).renamed({"nope": "x"})


def test_renaming_onto_an_existing_name_is_a_user_error() -> None:
    with pytest.raises(UserError, match="after renaming"):
        FunctionToolset([add, shout]).renamed({"add": "shout"})


async def test_renaming_a_hand_written_tool_wraps_it_and_renames_its_errors() -> None:
    renamed = FunctionToolset([EchoTool()]).renamed({"echo_raw": "echo"}).get("echo")

    assert isinstance(renamed, RenamedTool)
    assert await renamed.invoke('{"x":1}') == '{"x":1}'
    with pytest.raises(ToolError) as info:
        await renamed.invoke("bad")
    assert info.value.tool_name == "echo"


def test_a_renamed_tool_keeps_its_idempotence() -> None:
    class IdempotentEcho(EchoTool):
        idempotent = True

    renamed = FunctionToolset([IdempotentEcho()]).renamed({"echo_raw": "echo"}).get("echo")

    assert isinstance(renamed, RenamedTool) and renamed.idempotent


def test_wrappers_compose() -> None:
    toolset: Toolset = (
        FunctionToolset([add, shout]).filtered(lambda d: d.name == "add").prefixed("m")
    )

    assert toolset.renamed({"m_add": "sum"}).names() == ["sum"]
