"""Strict mode: the transform, the default, the decisions, and "null means default"."""

from __future__ import annotations

import enum
from typing import Annotated, Any, Literal

import pytest
from pydantic import BaseModel, Field

from agentkit.exceptions import UserError
from agentkit.tools import StrictModeWarning, check_strict_schema, to_strict_schema, tool
from agentkit.tools.strict import StrictSchemaError


class Units(enum.Enum):
    C = "c"
    F = "f"


class Inner(BaseModel):
    a: int
    b: str = "x"


def test_strict_schema_closes_objects_requires_all_and_makes_optionals_nullable() -> None:
    @tool
    def f(
        city: str,
        units: Annotated[Units, Field(description="Units.")] = Units.C,
        days: int = 1,
        inner: Inner | None = None,
    ) -> None: ...

    assert f.strict is True
    assert f.parameters == {
        "$defs": {
            "Inner": {
                "properties": {
                    "a": {"type": "integer"},
                    "b": {"anyOf": [{"type": "string"}, {"type": "null"}]},
                },
                "required": ["a", "b"],
                "type": "object",
                "additionalProperties": False,
            },
            "Units": {"enum": ["c", "f"], "type": "string"},
        },
        "properties": {
            "city": {"type": "string"},
            "units": {
                "anyOf": [{"$ref": "#/$defs/Units"}, {"type": "null"}],
                "description": "Units.",
            },
            "days": {"anyOf": [{"type": "integer"}, {"type": "null"}]},
            "inner": {"anyOf": [{"$ref": "#/$defs/Inner"}, {"type": "null"}]},
        },
        "required": ["city", "units", "days", "inner"],
        "type": "object",
        "additionalProperties": False,
    }
    assert check_strict_schema(f.parameters) == []


def test_strict_is_the_default_when_the_schema_allows_it() -> None:
    @tool
    def f(a: int) -> None: ...

    assert f.strict is True


def test_ref_with_description_is_wrapped_in_any_of_under_strict() -> None:
    @tool
    def f(units: Annotated[Units, Field(description="Units.")]) -> None: ...

    assert f.parameters["properties"]["units"] == {
        "anyOf": [{"$ref": "#/$defs/Units"}],
        "description": "Units.",
    }


def test_set_loses_unique_items_under_strict() -> None:
    @tool
    def f(tags: set[str]) -> None: ...

    assert f.parameters["properties"]["tags"] == {"items": {"type": "string"}, "type": "array"}


@pytest.mark.parametrize(
    ("annotation", "reason"),
    [
        (dict[str, int], "open dict"),
        (Any, "accepts any value"),
        (tuple[int, str], "fixed-length tuples"),
    ],
)
def test_explicit_strict_with_an_inexpressible_type_is_a_user_error_naming_the_parameter(
    annotation: Any, reason: str
) -> None:
    def f(data: Any) -> None: ...

    f.__annotations__["data"] = annotation
    with pytest.raises(UserError, match=rf"f.*parameter 'data'.*{reason}"):
        tool(strict=True)(f)


def test_explicit_strict_with_var_kwargs_is_a_user_error_naming_the_parameter() -> None:
    def f(**extra: int) -> None: ...

    with pytest.raises(UserError, match=r"parameter '\*\*extra' is an open dict"):
        tool(strict=True)(f)


def test_default_strict_with_var_kwargs_warns_naming_the_parameter() -> None:
    with pytest.warns(StrictModeWarning, match=r"parameter '\*\*options' is an open dict"):

        @tool
        def f(city: str, **options: str) -> None: ...

    assert f.strict is False


def test_default_strict_falls_back_to_non_strict_with_a_warning_naming_the_parameter() -> None:
    with pytest.warns(StrictModeWarning, match=r"parameter 'scores'.*strict=False") as record:

        @tool
        def f(scores: dict[str, int]) -> None: ...

    assert record[0].filename == __file__  # points at the decorated function, not agentkit
    assert f.strict is False
    assert f.parameters["properties"]["scores"] == {
        "additionalProperties": {"type": "integer"},
        "type": "object",
    }


def test_open_dict_is_never_silently_closed() -> None:
    with pytest.raises(StrictSchemaError):
        to_strict_schema({"type": "object", "properties": {"d": {"type": "object"}}})


async def test_null_for_a_defaulted_non_nullable_parameter_means_the_default() -> None:
    @tool
    def f(days: int = 3, inner: Inner | None = None) -> str:
        return f"{days} {inner}"

    assert await f.invoke('{"days": null, "inner": null}') == "3 None"


async def test_null_for_a_nested_defaulted_field_means_the_default() -> None:
    @tool
    def f(inner: Inner) -> str:
        return inner.b

    assert await f.invoke('{"inner": {"a": 1, "b": null}}') == "x"


async def test_null_for_a_required_parameter_is_a_validation_error() -> None:
    from agentkit.exceptions import ToolValidationError

    @tool
    def f(days: int) -> None: ...

    with pytest.raises(ToolValidationError):
        await f.invoke('{"days": null}')


def test_checker_reports_each_violation() -> None:
    schema = {
        "type": "object",
        "title": "T",
        "properties": {
            "a": {"type": "integer", "default": 1},
            "b": {},
            "c": {"type": "object", "additionalProperties": {"type": "string"}},
            "d": {"$ref": "#/$defs/X", "description": "d"},
        },
        "required": ["a"],
    }
    assert check_strict_schema(schema) == [
        "root: keyword 'title' is not allowed",
        "root: object without 'additionalProperties': false",
        "root: 'required' must list every property",
        "properties.a: keyword 'default' is not allowed",
        "properties.b: untyped schema (accepts anything)",
        "properties.c: object without 'additionalProperties': false",
        "properties.c: object without 'properties'",
        "properties.d: $ref has sibling keywords ['description']",
    ]


def test_checker_accepts_a_compliant_schema() -> None:
    schema = {
        "type": "object",
        "properties": {"a": {"anyOf": [{"type": "integer"}, {"type": "null"}]}},
        "required": ["a"],
        "additionalProperties": False,
    }
    assert check_strict_schema(schema) == []


class Cat(BaseModel):
    kind: Literal["cat"] = "cat"
    lives: int = 9


class Dog(BaseModel):
    kind: Literal["dog"] = "dog"


def test_discriminated_union_is_strict_without_discriminator_and_with_a_required_tag() -> None:
    @tool
    def adopt(pet: Annotated[Cat | Dog, Field(discriminator="kind")]) -> None: ...

    assert adopt.strict is True
    assert adopt.parameters == {
        "$defs": {
            "Cat": {
                "properties": {
                    "kind": {"const": "cat", "type": "string"},
                    "lives": {"anyOf": [{"type": "integer"}, {"type": "null"}]},
                },
                "required": ["kind", "lives"],
                "type": "object",
                "additionalProperties": False,
            },
            "Dog": {
                "properties": {"kind": {"const": "dog", "type": "string"}},
                "required": ["kind"],
                "type": "object",
                "additionalProperties": False,
            },
        },
        "properties": {"pet": {"anyOf": [{"$ref": "#/$defs/Cat"}, {"$ref": "#/$defs/Dog"}]}},
        "required": ["pet"],
        "type": "object",
        "additionalProperties": False,
    }
    assert check_strict_schema(adopt.parameters) == []


def test_inline_discriminated_branches_keep_their_tag_required() -> None:
    schema = {
        "type": "object",
        "properties": {
            "shape": {
                "discriminator": {"propertyName": "kind"},
                "oneOf": [
                    {
                        "type": "object",
                        "properties": {"kind": {"const": "sq", "default": "sq"}},
                    },
                    {
                        "type": "object",
                        "properties": {"kind": {"const": "ci"}, "r": {"type": "integer"}},
                    },
                ],
            }
        },
        "required": ["shape"],
    }

    branches = to_strict_schema(schema)["properties"]["shape"]["anyOf"]

    assert [b["properties"]["kind"] for b in branches] == [{"const": "sq"}, {"const": "ci"}]
    assert branches[1]["properties"]["r"] == {"anyOf": [{"type": "integer"}, {"type": "null"}]}


def test_checker_rejects_the_discriminator_keyword() -> None:
    schema = {
        "type": "object",
        "properties": {"a": {"anyOf": [{"type": "integer"}], "discriminator": {}}},
        "required": ["a"],
        "additionalProperties": False,
    }

    assert check_strict_schema(schema) == ["properties.a: keyword 'discriminator' is not allowed"]
