"""One test per supported annotation: the non-strict schema, and that values reach the function.

This module uses ``from __future__ import annotations`` on purpose: every annotation below
is a string that the decorator must resolve.
"""

from __future__ import annotations

import dataclasses
import datetime
import decimal
import enum
import uuid
from typing import Annotated, Any, Literal, NotRequired, Optional, Union

import pytest
from inline_snapshot import snapshot
from pydantic import BaseModel, Field
from typing_extensions import TypedDict

from agentkit.context import RunContext
from agentkit.tools import tool


class Color(enum.Enum):
    RED = "red"
    GREEN = "green"


class Level(enum.IntEnum):
    LOW = 1
    HIGH = 2


class Point(TypedDict):
    x: int
    y: int


class Partial(TypedDict, total=False):
    a: int
    b: str


class Mixed(TypedDict):
    must: str
    may: NotRequired[int]


@dataclasses.dataclass
class Box:
    width: int
    label: str = "box"


class Address(BaseModel):
    street: str
    city: str


class Person(BaseModel):
    name: str
    address: Address


class Node(BaseModel):
    value: int
    children: list[Node] = []


def test_primitives_map_to_json_types() -> None:
    @tool(strict=False)
    def f(s: str, i: int, x: float, b: bool) -> None: ...

    assert f.parameters == snapshot(
        {
            "properties": {
                "s": {"type": "string"},
                "i": {"type": "integer"},
                "x": {"type": "number"},
                "b": {"type": "boolean"},
            },
            "required": ["s", "i", "x", "b"],
            "type": "object",
            "additionalProperties": False,
        }
    )


def test_optional_with_none_default_is_nullable_and_not_required() -> None:
    @tool(strict=False)
    def f(a: Optional[int] = None) -> None: ...  # noqa: UP045 - the typing spelling is under test

    assert f.parameters == snapshot(
        {
            "properties": {
                "a": {"anyOf": [{"type": "integer"}, {"type": "null"}], "default": None}
            },
            "type": "object",
            "additionalProperties": False,
        }
    )


def test_pipe_none_without_default_is_required_and_nullable() -> None:
    @tool(strict=False)
    def f(a: int | None) -> None: ...

    assert f.parameters == snapshot(
        {
            "properties": {"a": {"anyOf": [{"type": "integer"}, {"type": "null"}]}},
            "required": ["a"],
            "type": "object",
            "additionalProperties": False,
        }
    )


def test_union_is_any_of() -> None:
    @tool(strict=False)
    def f(a: Union[int, str]) -> None: ...  # noqa: UP007 - the typing spelling is under test

    assert f.parameters == snapshot(
        {
            "properties": {"a": {"anyOf": [{"type": "integer"}, {"type": "string"}]}},
            "required": ["a"],
            "type": "object",
            "additionalProperties": False,
        }
    )


def test_literal_is_enum() -> None:
    @tool(strict=False)
    def f(mode: Literal["fast", "slow"]) -> None: ...

    assert f.parameters == snapshot(
        {
            "properties": {"mode": {"enum": ["fast", "slow"], "type": "string"}},
            "required": ["mode"],
            "type": "object",
            "additionalProperties": False,
        }
    )


async def test_enum_schema_and_function_receives_member() -> None:
    received: list[Color] = []

    @tool(strict=False)
    def f(color: Color) -> None:
        received.append(color)

    assert f.parameters == snapshot(
        {
            "$defs": {"Color": {"enum": ["red", "green"], "type": "string"}},
            "properties": {"color": {"$ref": "#/$defs/Color"}},
            "required": ["color"],
            "type": "object",
            "additionalProperties": False,
        }
    )
    await f.invoke('{"color": "green"}')
    assert received == [Color.GREEN]
    assert isinstance(received[0], Color)


async def test_int_enum_schema_and_function_receives_member() -> None:
    received: list[Level] = []

    @tool(strict=False)
    def f(level: Level) -> None:
        received.append(level)

    assert f.parameters == snapshot(
        {
            "$defs": {"Level": {"enum": [1, 2], "type": "integer"}},
            "properties": {"level": {"$ref": "#/$defs/Level"}},
            "required": ["level"],
            "type": "object",
            "additionalProperties": False,
        }
    )
    await f.invoke('{"level": 2}')
    assert received == [Level.HIGH] and isinstance(received[0], Level)


def test_list_set_and_tuples() -> None:
    @tool(strict=False)
    def f(a: list[int], b: set[str], c: tuple[int, str], d: tuple[float, ...]) -> None: ...

    assert f.parameters == snapshot(
        {
            "properties": {
                "a": {"items": {"type": "integer"}, "type": "array"},
                "b": {"items": {"type": "string"}, "type": "array", "uniqueItems": True},
                "c": {
                    "maxItems": 2,
                    "minItems": 2,
                    "prefixItems": [{"type": "integer"}, {"type": "string"}],
                    "type": "array",
                },
                "d": {"items": {"type": "number"}, "type": "array"},
            },
            "required": ["a", "b", "c", "d"],
            "type": "object",
            "additionalProperties": False,
        }
    )


async def test_tuple_and_set_values_arrive_as_tuple_and_set() -> None:
    received: list[Any] = []

    @tool(strict=False)
    def f(b: set[str], c: tuple[int, str]) -> None:
        received.extend([b, c])

    await f.invoke('{"b": ["x", "x", "y"], "c": [1, "z"]}')
    assert received == [{"x", "y"}, (1, "z")]


def test_dict_str_t_is_open_object() -> None:
    @tool(strict=False)
    def f(scores: dict[str, float]) -> None: ...

    assert f.parameters == snapshot(
        {
            "properties": {
                "scores": {"additionalProperties": {"type": "number"}, "type": "object"}
            },
            "required": ["scores"],
            "type": "object",
            "additionalProperties": False,
        }
    )


def test_typed_dicts_total_and_partial() -> None:
    @tool(strict=False)
    def f(point: Point, partial: Partial, mixed: Mixed) -> None: ...

    assert f.parameters == snapshot(
        {
            "$defs": {
                "Mixed": {
                    "properties": {"must": {"type": "string"}, "may": {"type": "integer"}},
                    "required": ["must"],
                    "type": "object",
                },
                "Partial": {
                    "properties": {"a": {"type": "integer"}, "b": {"type": "string"}},
                    "type": "object",
                },
                "Point": {
                    "properties": {"x": {"type": "integer"}, "y": {"type": "integer"}},
                    "required": ["x", "y"],
                    "type": "object",
                },
            },
            "properties": {
                "point": {"$ref": "#/$defs/Point"},
                "partial": {"$ref": "#/$defs/Partial"},
                "mixed": {"$ref": "#/$defs/Mixed"},
            },
            "required": ["point", "partial", "mixed"],
            "type": "object",
            "additionalProperties": False,
        }
    )


async def test_dataclass_schema_and_function_receives_instance() -> None:
    received: list[Box] = []

    @tool(strict=False)
    def f(box: Box) -> None:
        received.append(box)

    assert f.parameters == snapshot(
        {
            "$defs": {
                "Box": {
                    "properties": {
                        "width": {"type": "integer"},
                        "label": {"default": "box", "type": "string"},
                    },
                    "required": ["width"],
                    "type": "object",
                }
            },
            "properties": {"box": {"$ref": "#/$defs/Box"}},
            "required": ["box"],
            "type": "object",
            "additionalProperties": False,
        }
    )
    await f.invoke('{"box": {"width": 3}}')
    assert received == [Box(width=3)]


async def test_nested_pydantic_model_is_not_flattened_and_arrives_as_instance() -> None:
    received: list[Person] = []

    @tool(strict=False)
    def f(person: Person) -> None:
        received.append(person)

    assert f.parameters == snapshot(
        {
            "$defs": {
                "Address": {
                    "properties": {"street": {"type": "string"}, "city": {"type": "string"}},
                    "required": ["street", "city"],
                    "type": "object",
                },
                "Person": {
                    "properties": {
                        "name": {"type": "string"},
                        "address": {"$ref": "#/$defs/Address"},
                    },
                    "required": ["name", "address"],
                    "type": "object",
                },
            },
            "properties": {"person": {"$ref": "#/$defs/Person"}},
            "required": ["person"],
            "type": "object",
            "additionalProperties": False,
        }
    )
    await f.invoke('{"person": {"name": "Ada", "address": {"street": "1 Main", "city": "X"}}}')
    assert received == [Person(name="Ada", address=Address(street="1 Main", city="X"))]


def test_list_of_models_uses_defs() -> None:
    @tool(strict=False)
    def f(people: list[Address]) -> None: ...

    assert f.parameters == snapshot(
        {
            "$defs": {
                "Address": {
                    "properties": {"street": {"type": "string"}, "city": {"type": "string"}},
                    "required": ["street", "city"],
                    "type": "object",
                }
            },
            "properties": {"people": {"items": {"$ref": "#/$defs/Address"}, "type": "array"}},
            "required": ["people"],
            "type": "object",
            "additionalProperties": False,
        }
    )


async def test_recursive_model_keeps_ref() -> None:
    received: list[Node] = []

    @tool(strict=False)
    def f(tree: Node) -> None:
        received.append(tree)

    assert f.parameters == snapshot(
        {
            "$defs": {
                "Node": {
                    "properties": {
                        "value": {"type": "integer"},
                        "children": {
                            "default": [],
                            "items": {"$ref": "#/$defs/Node"},
                            "type": "array",
                        },
                    },
                    "required": ["value"],
                    "type": "object",
                }
            },
            "properties": {"tree": {"$ref": "#/$defs/Node"}},
            "required": ["tree"],
            "type": "object",
            "additionalProperties": False,
        }
    )
    await f.invoke('{"tree": {"value": 1, "children": [{"value": 2}]}}')
    assert received == [Node(value=1, children=[Node(value=2)])]


def test_annotated_field_constraints_and_description() -> None:
    @tool(strict=False)
    def f(
        n: Annotated[int, Field(ge=1, le=10, description="How many.")],
        code: Annotated[str, Field(pattern=r"^[A-Z]{3}$")] = "ABC",
    ) -> None: ...

    assert f.parameters == snapshot(
        {
            "properties": {
                "n": {"description": "How many.", "maximum": 10, "minimum": 1, "type": "integer"},
                "code": {"default": "ABC", "pattern": "^[A-Z]{3}$", "type": "string"},
            },
            "required": ["n"],
            "type": "object",
            "additionalProperties": False,
        }
    )


def test_annotated_string_is_the_description() -> None:
    @tool(strict=False)
    def f(city: Annotated[str, "The city to look up."]) -> None: ...

    assert f.parameters == snapshot(
        {
            "properties": {"city": {"description": "The city to look up.", "type": "string"}},
            "required": ["city"],
            "type": "object",
            "additionalProperties": False,
        }
    )


async def test_field_as_default_without_value_is_required() -> None:
    @tool(strict=False)
    def f(n: int = Field(gt=10, description="Big."), m: int = Field(5)) -> int:
        return n + m

    assert f.parameters == snapshot(
        {
            "properties": {
                "n": {"description": "Big.", "exclusiveMinimum": 10, "type": "integer"},
                "m": {"default": 5, "type": "integer"},
            },
            "required": ["n"],
            "type": "object",
            "additionalProperties": False,
        }
    )
    assert await f.invoke('{"n": 11}') == "16"


async def test_datetime_date_uuid_decimal_formats() -> None:
    received: list[Any] = []

    @tool(strict=False)
    def f(
        when: datetime.datetime, day: datetime.date, id: uuid.UUID, amount: decimal.Decimal
    ) -> None:
        received.extend([when, day, id, amount])

    assert f.parameters == snapshot(
        {
            "properties": {
                "when": {"format": "date-time", "type": "string"},
                "day": {"format": "date", "type": "string"},
                "id": {"format": "uuid", "type": "string"},
                "amount": {"anyOf": [{"type": "number"}, {"type": "string"}]},
            },
            "required": ["when", "day", "id", "amount"],
            "type": "object",
            "additionalProperties": False,
        }
    )
    await f.invoke(
        '{"when": "2026-01-02T03:04:05Z", "day": "2026-01-02",'
        ' "id": "12345678-1234-5678-1234-567812345678", "amount": "1.50"}'
    )
    assert received == [
        datetime.datetime(2026, 1, 2, 3, 4, 5, tzinfo=datetime.UTC),
        datetime.date(2026, 1, 2),
        uuid.UUID("12345678-1234-5678-1234-567812345678"),
        decimal.Decimal("1.50"),
    ]


async def test_positional_only_and_keyword_only_parameters_bind_correctly() -> None:
    @tool(strict=False)
    def f(a: int, /, b: int, *, c: int) -> str:
        return f"{a}{b}{c}"

    assert f.parameters == snapshot(
        {
            "properties": {
                "a": {"type": "integer"},
                "b": {"type": "integer"},
                "c": {"type": "integer"},
            },
            "required": ["a", "b", "c"],
            "type": "object",
            "additionalProperties": False,
        }
    )
    assert await f.invoke('{"a": 1, "b": 2, "c": 3}') == "123"


async def test_var_args_become_a_list_parameter() -> None:
    @tool(strict=False)
    def f(first: int, *rest: int) -> list[int]:
        return [first, *rest]

    assert f.parameters == snapshot(
        {
            "properties": {
                "first": {"type": "integer"},
                "rest": {"default": [], "items": {"type": "integer"}, "type": "array"},
            },
            "required": ["first"],
            "type": "object",
            "additionalProperties": False,
        }
    )
    assert await f.invoke('{"first": 1, "rest": [2, 3]}') == "[1,2,3]"


async def test_var_kwargs_become_additional_properties_at_the_top_level() -> None:
    @tool(strict=False)
    def f(name: str, **labels: int) -> dict[str, Any]:
        return {"name": name, **labels}

    assert f.parameters == snapshot(
        {
            "properties": {"name": {"type": "string"}},
            "required": ["name"],
            "type": "object",
            "additionalProperties": {"type": "integer"},
        }
    )
    assert await f.invoke('{"name": "n", "a": 1, "b": 2}') == '{"name":"n","a":1,"b":2}'


def test_forward_reference_to_a_later_module_class_resolves() -> None:
    @tool(strict=False)
    def f(later: DefinedLater) -> None: ...

    assert f.parameters == snapshot(
        {
            "$defs": {
                "DefinedLater": {
                    "properties": {"ok": {"type": "boolean"}},
                    "required": ["ok"],
                    "type": "object",
                }
            },
            "properties": {"later": {"$ref": "#/$defs/DefinedLater"}},
            "required": ["later"],
            "type": "object",
            "additionalProperties": False,
        }
    )


def test_unannotated_and_any_accept_anything() -> None:
    @tool(strict=False)
    def f(a, b: Any, c: Any = None) -> None: ...  # type: ignore[no-untyped-def]

    assert f.parameters == snapshot(
        {
            "properties": {"a": {}, "b": {}, "c": {"default": None}},
            "required": ["a", "b"],
            "type": "object",
            "additionalProperties": False,
        }
    )


def test_run_context_parameter_is_not_in_the_schema() -> None:
    @tool
    def f(ctx: RunContext[int], city: str) -> None: ...

    assert f.parameters == snapshot(
        {
            "properties": {"city": {"type": "string"}},
            "required": ["city"],
            "type": "object",
            "additionalProperties": False,
        }
    )
    assert f.takes_context


@pytest.mark.parametrize("strict", [True, False])
def test_no_parameters_gives_an_empty_object(strict: bool) -> None:
    @tool(strict=strict)
    def f() -> None: ...

    expected: dict[str, Any] = {"properties": {}, "type": "object", "additionalProperties": False}
    if strict:
        expected["required"] = []
    assert f.parameters == expected


class DefinedLater(BaseModel):
    ok: bool
