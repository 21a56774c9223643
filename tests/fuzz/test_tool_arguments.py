"""Random arguments into `FunctionTool.invoke`: a valid output or a `ToolError`, never a hang."""

from __future__ import annotations

import asyncio
import json
from datetime import date
from enum import Enum
from typing import Annotated, Any, Literal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import BaseModel, Field

from agentkit import RunContext, tool
from agentkit.exceptions import ToolError
from agentkit.tools.decorator import FunctionTool


class Color(Enum):
    RED = "red"
    BLUE = "blue"


class Address(BaseModel):
    street: str
    zip_code: Annotated[str, Field(pattern=r"^\d{5}$")]


@tool
def nothing() -> str:
    """No parameters."""
    return "ok"


@tool
def scalars(a: int, b: float, c: str = "x", d: bool | None = None) -> str:
    """Scalars with defaults."""
    return f"{a} {b} {c} {d}"


@tool
async def nested(address: Address, tags: list[str], when: date | None = None) -> dict[str, Any]:
    """A model, a list, a date."""
    return {"street": address.street, "tags": tags, "when": str(when)}


@tool
def choices(color: Color, mode: Literal["fast", "slow"], limit: Annotated[int, Field(ge=1)]) -> str:
    """Enums, literals, bounds."""
    return f"{color.value} {mode} {limit}"


@tool(strict=False)
def variadic(*names: str, **extra: int) -> str:
    """Variadic positional and keyword parameters."""
    return f"{names} {extra}"


@tool
def with_context(ctx: RunContext[None], n: int) -> str:
    """A context parameter the model never sees."""
    return str(n)


TOOLS: list[FunctionTool[..., Any]] = [nothing, scalars, nested, choices, variadic, with_context]

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner),
    max_leaves=12,
)
field_names = st.sampled_from(
    ["a", "b", "c", "d", "address", "tags", "when", "color", "mode", "limit", "names", "n", "x"]
)
objects = st.dictionaries(field_names, json_values, max_size=6).map(json.dumps)
arguments = (
    objects
    | json_values.map(json.dumps)
    | st.text(max_size=60)
    | st.binary(max_size=60).map(lambda b: b.decode("utf-8", "replace"))
)


async def _invoke(target: FunctionTool[..., Any], raw: str) -> None:
    try:
        async with asyncio.timeout(5):
            output = await target.invoke(raw, RunContext(deps=None))
    except ToolError as exc:
        assert str(exc)
        assert exc.model_message()
    else:
        assert isinstance(output, str)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(target=st.sampled_from(TOOLS), raw=arguments)
def test_any_arguments_give_an_output_or_a_tool_error(
    target: FunctionTool[..., Any], raw: str
) -> None:
    asyncio.run(_invoke(target, raw))
