from __future__ import annotations

from typing import Any

import jsonschema
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from agentkit.testing import value_for_schema

VALIDATOR = jsonschema.Draft202012Validator
FORMATS = jsonschema.Draft202012Validator.FORMAT_CHECKER


def assert_valid(schema: dict[str, Any], seed: int = 0) -> Any:
    value = value_for_schema(schema, seed=seed)
    VALIDATOR(schema, format_checker=FORMATS).validate(value)
    return value


@st.composite
def integer_schemas(draw: st.DrawFn) -> dict[str, Any]:
    low = draw(st.integers(-100, 100))
    high = low + draw(st.integers(8, 60))
    schema: dict[str, Any] = {"type": "integer"}
    schema["exclusiveMinimum" if draw(st.booleans()) else "minimum"] = low
    if draw(st.booleans()):
        schema["exclusiveMaximum" if draw(st.booleans()) else "maximum"] = high
    if draw(st.booleans()):
        schema["multipleOf"] = draw(st.sampled_from([1, 2, 3]))
    return schema


@st.composite
def number_schemas(draw: st.DrawFn) -> dict[str, Any]:
    low = draw(st.floats(-1e6, 1e6))
    schema: dict[str, Any] = {"type": "number"}
    if draw(st.booleans()):
        schema["exclusiveMinimum" if draw(st.booleans()) else "minimum"] = low
    if draw(st.booleans()):
        high = low + draw(st.floats(0.01, 1e3))
        schema["exclusiveMaximum" if draw(st.booleans()) else "maximum"] = high
    return schema


@st.composite
def string_schemas(draw: st.DrawFn) -> dict[str, Any]:
    schema: dict[str, Any] = {"type": "string"}
    fmt = draw(st.sampled_from([None, "date-time", "date", "uuid", "email", "uri"]))
    if fmt is not None:
        return {**schema, "format": fmt}
    low = draw(st.integers(0, 20))
    schema["minLength"] = low
    if draw(st.booleans()):
        schema["maxLength"] = low + draw(st.integers(0, 5))
    return schema


LEAVES = st.one_of(
    integer_schemas(),
    number_schemas(),
    string_schemas(),
    st.just({"type": "boolean"}),
    st.just({"type": "null"}),
    st.lists(
        st.one_of(st.integers(), st.text(max_size=5)), min_size=1, max_size=4, unique=True
    ).map(lambda values: {"enum": values}),
    st.integers().map(lambda value: {"const": value}),
)


def containers(children: st.SearchStrategy[dict[str, Any]]) -> st.SearchStrategy[dict[str, Any]]:
    names = st.text("abcdefgh", min_size=1, max_size=4)
    objects = st.dictionaries(names, children, max_size=4).flatmap(
        lambda props: st.builds(
            lambda required, closed: {
                "type": "object",
                "properties": props,
                "required": required,
                **({"additionalProperties": False} if closed else {}),
            },
            st.lists(st.sampled_from(sorted(props)), unique=True) if props else st.just([]),
            st.booleans(),
        )
    )
    arrays = st.builds(
        lambda items, low, extra: {
            "type": "array",
            "items": items,
            "minItems": low,
            "maxItems": low + extra,
        },
        children,
        st.integers(0, 3),
        st.integers(0, 2),
    )
    tuples = st.lists(children, min_size=1, max_size=3).map(
        lambda parts: {"type": "array", "prefixItems": parts, "items": False}
    )
    nullable = children.map(lambda s: {"anyOf": [{"type": "null"}, s]})
    return st.one_of(objects, arrays, tuples, nullable)


SCHEMAS = st.recursive(LEAVES, containers, max_leaves=12)


@settings(max_examples=200, deadline=None)
@given(schema=SCHEMAS, seed=st.integers(0, 5))
def test_generated_values_validate(schema: dict[str, Any], seed: int) -> None:
    assert_valid(schema, seed)


@settings(max_examples=100, deadline=None)
@given(schema=SCHEMAS)
def test_values_are_deterministic(schema: dict[str, Any]) -> None:
    assert value_for_schema(schema, seed=1) == value_for_schema(schema, seed=1)


def test_refs_into_defs_are_followed() -> None:
    schema = {
        "type": "object",
        "properties": {"pet": {"$ref": "#/$defs/Pet"}},
        "required": ["pet"],
        "$defs": {
            "Pet": {
                "type": "object",
                "properties": {
                    "kind": {"enum": ["cat", "dog"]},
                    "born": {"type": "string", "format": "date"},
                },
                "required": ["kind", "born"],
                "additionalProperties": False,
            }
        },
    }

    assert assert_valid(schema) == {"pet": {"kind": "cat", "born": "2024-01-01"}}


def test_recursive_models_terminate() -> None:
    schema = {
        "$ref": "#/$defs/Node",
        "$defs": {
            "Node": {
                "type": "object",
                "properties": {
                    "name": {"type": "string"},
                    "children": {"type": "array", "items": {"$ref": "#/$defs/Node"}},
                },
                "required": ["name"],
            }
        },
    }

    assert_valid(schema)


def test_discriminated_one_of_picks_the_first_branch() -> None:
    schema = {
        "oneOf": [
            {
                "type": "object",
                "properties": {"kind": {"const": "a"}, "x": {"type": "integer"}},
                "required": ["kind", "x"],
            },
            {"type": "object", "properties": {"kind": {"const": "b"}}, "required": ["kind"]},
        ]
    }

    assert assert_valid(schema) == {"kind": "a", "x": 1}


def test_all_of_merges_object_parts() -> None:
    schema = {
        "allOf": [
            {"type": "object", "properties": {"a": {"type": "integer"}}, "required": ["a"]},
            {"properties": {"b": {"type": "boolean"}}, "required": ["b"]},
        ]
    }

    assert assert_valid(schema) == {"a": 1, "b": True}


def test_nullable_type_list_prefers_the_value() -> None:
    assert (
        assert_valid({"type": ["null", "string"], "format": "date-time"}) == "2024-01-01T00:00:00Z"
    )


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_uuid_format_varies_with_the_seed(seed: int) -> None:
    assert (
        assert_valid({"type": "string", "format": "uuid"}, seed)
        == f"00000000-0000-0000-0000-00000000000{seed + 1}"
    )


def test_required_key_without_a_property_schema_still_gets_a_value() -> None:
    schema = {"type": "object", "required": ["free"], "additionalProperties": {"type": "integer"}}

    assert assert_valid(schema) == {"free": 1}
