"""Output conversion rules (tools/output.py)."""

from __future__ import annotations

import dataclasses
import datetime
import decimal
import enum
import uuid
from typing import Any

import pytest
from pydantic import BaseModel

from agentkit.exceptions import ToolOutputError
from agentkit.tools import to_output, tool


class Color(enum.Enum):
    RED = "red"


class Point(BaseModel):
    x: int
    label: str


@dataclasses.dataclass
class Pair:
    left: int
    right: Point


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("plain text", "plain text"),
        ("", ""),
        (None, "null"),
        (True, "true"),
        (3, "3"),
        (2.5, "2.5"),
        ({"a": [1, 2], "b": "é"}, '{"a":[1,2],"b":"é"}'),
        ([1, "x"], '[1,"x"]'),
        ((1, 2), "[1,2]"),
        ({"b", "a"}, '["a","b"]'),
        (Point(x=1, label="p"), '{"x":1,"label":"p"}'),
        (Pair(1, Point(x=2, label="q")), '{"left":1,"right":{"x":2,"label":"q"}}'),
        (Color.RED, '"red"'),
        ({1: "int key"}, '{"1":"int key"}'),
        (datetime.date(2026, 1, 2), '"2026-01-02"'),
        (uuid.UUID(int=1), '"00000000-0000-0000-0000-000000000001"'),
        (decimal.Decimal("1.5"), '"1.5"'),
    ],
    ids=lambda v: type(v).__name__,
)
def test_conversion_rule(value: Any, expected: str) -> None:
    assert to_output(value, tool_name="t") == expected


@pytest.mark.parametrize(
    ("value", "type_name"),
    [(b"bytes", "builtins.bytes"), (object(), "builtins.object"), ({"k": b"x"}, "builtins.bytes")],
)
def test_non_serializable_value_is_an_output_error_naming_the_type(
    value: Any, type_name: str
) -> None:
    with pytest.raises(ToolOutputError, match=type_name):
        to_output(value, tool_name="t")


def test_nan_is_an_output_error() -> None:
    with pytest.raises(ToolOutputError, match="not valid JSON"):
        to_output(float("nan"), tool_name="t")


async def test_invoke_raises_output_error_for_bytes() -> None:
    @tool
    def raw() -> bytes:
        return b"\x00"

    with pytest.raises(ToolOutputError, match="tool 'raw' returned a value that cannot be sent"):
        await raw.invoke("{}")
