"""The ``@tool`` decorator: forms, options, wire renderings and misuse errors."""

from __future__ import annotations

import pytest

from agentkit.context import RunContext
from agentkit.exceptions import UserError
from agentkit.tools import FunctionTool, ToolDefinition, tool


class Opaque:
    """Not something pydantic can validate."""


def add(a: int, b: int = 1) -> int:
    """Add two numbers."""
    return a + b


def test_bare_decorator_builds_a_function_tool() -> None:
    wrapped = tool(add)

    assert isinstance(wrapped, FunctionTool)
    assert (wrapped.name, wrapped.description, wrapped.strict) == ("add", "Add two numbers.", True)


def test_decorator_with_options_sets_them() -> None:
    options = {"strict": False, "timeout": 2.5, "max_model_retries": 3}
    wrapped = tool(name="plus", description="Plus.", **options)(add)  # type: ignore[call-overload]

    assert (wrapped.name, wrapped.description, wrapped.strict) == ("plus", "Plus.", False)
    assert (wrapped.timeout, wrapped.max_model_retries) == (2.5, 3)


def test_tools_are_not_idempotent_unless_declared() -> None:
    assert tool(add).idempotent is False
    assert tool(idempotent=True)(add).idempotent is True
    assert tool(idempotent=True)(add).with_name("sum2").idempotent is True


def test_a_non_bool_idempotent_is_a_user_error_naming_the_function() -> None:
    with pytest.raises(UserError, match=r"test_decorator:add: idempotent must be True or False"):
        tool(idempotent="yes")(add)  # type: ignore[call-overload]


def test_decorated_function_is_still_callable_as_the_function() -> None:
    assert tool(add)(2, b=3) == 5


async def test_decorated_async_function_is_still_awaitable() -> None:
    @tool
    async def double(x: int) -> int:
        return 2 * x

    assert await double(4) == 8


def test_wrapper_keeps_the_function_metadata() -> None:
    wrapped = tool(add)

    assert (wrapped.__name__, wrapped.__doc__, wrapped.__wrapped__) == (
        "add",
        "Add two numbers.",
        add,
    )
    assert wrapped.source == f"{__name__}:add"


def test_renderings_for_each_wire_format() -> None:
    wrapped = tool(strict=False)(add)
    parameters = {
        "properties": {"a": {"type": "integer"}, "b": {"default": 1, "type": "integer"}},
        "required": ["a"],
        "type": "object",
        "additionalProperties": False,
    }
    body = {
        "name": "add",
        "description": "Add two numbers.",
        "parameters": parameters,
        "strict": False,
    }

    assert wrapped.to_chat() == {"type": "function", "function": body}
    assert wrapped.to_assistants() == {"type": "function", "function": body}
    assert wrapped.to_responses() == {"type": "function", **body}
    assert wrapped.definition == ToolDefinition("add", "Add two numbers.", parameters, False)


@pytest.mark.parametrize("name", ["", "has space", "x" * 65, "dot.name", "é"])
def test_invalid_name_is_a_user_error_naming_the_function(name: str) -> None:
    with pytest.raises(UserError, match=r"@tool on .*:add: tool name"):
        tool(name=name)(add)


def test_sixty_four_character_name_is_accepted() -> None:
    assert tool(name="a" * 64)(add).name == "a" * 64


def test_run_context_not_first_is_a_user_error_naming_the_parameter() -> None:
    def f(city: str, ctx: RunContext[None]) -> None: ...

    with pytest.raises(UserError, match=r"\.f: parameter 'ctx' is a RunContext; it must be first"):
        tool(f)


def test_unsupported_annotation_is_a_user_error_naming_the_parameter() -> None:
    def f(thing: Opaque) -> None: ...

    with pytest.raises(UserError, match=r"\.f: parameter 'thing' has an unsupported annotation"):
        tool(f)


def test_unresolvable_forward_reference_is_a_user_error_naming_the_parameter() -> None:
    def f(thing: Missing) -> None: ...  # type: ignore[name-defined]  # noqa: F821

    with pytest.raises(UserError, match=r"cannot resolve parameter 'thing'"):
        tool(f)


@pytest.mark.parametrize("timeout", [0, -1.0])
def test_non_positive_timeout_is_a_user_error(timeout: float) -> None:
    with pytest.raises(UserError, match="timeout must be a positive"):
        tool(timeout=timeout)(add)


def test_negative_max_model_retries_is_a_user_error() -> None:
    with pytest.raises(UserError, match="max_model_retries"):
        tool(max_model_retries=-1)(add)


def test_with_name_copies_the_tool_under_a_new_name() -> None:
    wrapped = tool(add)
    renamed = wrapped.with_name("sum2")

    assert (renamed.name, wrapped.name) == ("sum2", "add")
    assert renamed.parameters == wrapped.parameters
