"""What ``@tool`` infers, locked with ``assert_type`` (``mypy --strict tests/typing``)."""

from __future__ import annotations

from typing import Any, assert_type

from agentkit.context import RunContext
from agentkit.tools import FunctionTool, ToolDefinition, tool


@tool
def add(a: int, b: int = 1) -> int:
    return a + b


@tool(name="greeter", strict=False, timeout=5)
async def greet(ctx: RunContext[str], name: str) -> str:
    return f"{ctx.deps} {name}"


async def check() -> None:
    as_tool: FunctionTool[..., int] = add
    assert_type(as_tool.func(1, 2), int)
    assert_type(add(1), int)
    assert_type(add(1, b=2), int)
    assert_type(await greet(RunContext(deps="hi"), "Ada"), str)
    assert_type(add.name, str)
    assert_type(add.description, str)
    assert_type(add.parameters, dict[str, Any])
    assert_type(add.strict, bool)
    assert_type(add.timeout, float | None)
    assert_type(add.max_model_retries, int | None)
    assert_type(add.definition, ToolDefinition)
    assert_type(add.to_chat(), dict[str, Any])
    assert_type(add.to_responses(), dict[str, Any])
    assert_type(await add.invoke('{"a": 1}'), str)
    assert_type(await greet.invoke('{"name": "x"}', RunContext(deps="hi")), str)
