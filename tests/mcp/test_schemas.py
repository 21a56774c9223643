"""MCP tool schemas through the strict pass: strict when lossless, else unchanged, with why."""

from __future__ import annotations

from typing import Any

import pytest
from inline_snapshot import snapshot

from agentkit.mcp.schemas import strictness
from agentkit.tools.null_defaults import drop_defaulted_nulls
from agentkit.tools.strict import check_strict_schema

# What the official SDK's MCPServer writes for `def add(a: int, b: int = 2)`.
SDK_ADD = {
    "type": "object",
    "properties": {
        "a": {"title": "A", "type": "integer"},
        "b": {"default": 2, "title": "B", "type": "integer"},
    },
    "required": ["a"],
    "title": "addArguments",
}


def test_a_pydantic_style_schema_becomes_strict_and_the_default_is_restored() -> None:
    chosen = strictness(SDK_ADD)

    assert chosen.strict is True
    assert chosen.reason is None
    assert chosen.parameters == snapshot(
        {
            "type": "object",
            "properties": {
                "a": {"type": "integer"},
                "b": {"anyOf": [{"type": "integer"}, {"type": "null"}]},
            },
            "required": ["a", "b"],
            "additionalProperties": False,
        }
    )
    assert check_strict_schema(chosen.parameters) == []
    # The model's null for "the default" is removed, so the server applies its default.
    assert drop_defaulted_nulls({"a": 1, "b": None}, SDK_ADD) == {"a": 1}


def test_a_typescript_style_schema_loses_only_annotations() -> None:
    schema = {
        "$schema": "http://json-schema.org/draft-07/schema#",
        "type": "object",
        "properties": {"path": {"type": "string", "examples": ["/tmp"], "$comment": "abs"}},
        "required": ["path"],
        "additionalProperties": False,
    }

    chosen = strictness(schema)

    assert chosen.strict is True
    assert chosen.parameters == {
        "type": "object",
        "properties": {"path": {"type": "string"}},
        "required": ["path"],
        "additionalProperties": False,
    }


def test_a_tool_without_arguments_is_strict() -> None:
    assert strictness({"type": "object"}).parameters == snapshot(
        {"type": "object", "properties": {}, "required": [], "additionalProperties": False}
    )


@pytest.mark.parametrize(
    ("schema", "reason"),
    [
        (
            {
                "type": "object",
                "properties": {
                    "counts": {"type": "object", "additionalProperties": {"type": "integer"}}
                },
            },
            "parameter 'counts' is an open dict",
        ),
        (
            {"type": "object", "properties": {"tags": {"type": "array", "uniqueItems": True}}},
            "parameter 'tags' requires unique items (uniqueItems)",
        ),
        (
            {
                "type": "object",
                "properties": {"v": {"oneOf": [{"type": "integer"}, {"type": "number"}]}},
                "required": ["v"],
            },
            "parameter 'v' is a oneOf without a discriminator",
        ),
        (
            {
                "type": "object",
                "properties": {"limit": {"type": ["integer", "null"], "default": 10}},
            },
            "parameter 'limit' is optional, accepts null and defaults to 10",
        ),
        (
            {"type": "object", "properties": {"x": {"not": {"type": "string"}}}},
            "'not' is not supported",
        ),
        ({"type": "string"}, "the arguments schema is not an object schema"),
    ],
)
def test_a_lossy_schema_is_sent_unchanged_and_non_strict_with_the_reason(
    schema: dict[str, Any], reason: str
) -> None:
    chosen = strictness(schema)

    assert chosen.strict is False
    assert chosen.parameters is schema
    assert chosen.reason is not None
    assert reason in chosen.reason


def test_a_discriminated_oneof_is_strict() -> None:
    schema = {
        "type": "object",
        "properties": {
            "pet": {
                "oneOf": [{"$ref": "#/$defs/Cat"}, {"$ref": "#/$defs/Dog"}],
                "discriminator": {"propertyName": "kind"},
            }
        },
        "required": ["pet"],
        "$defs": {
            "Cat": {
                "type": "object",
                "properties": {"kind": {"const": "cat"}},
                "required": ["kind"],
            },
            "Dog": {
                "type": "object",
                "properties": {"kind": {"const": "dog"}},
                "required": ["kind"],
            },
        },
    }

    chosen = strictness(schema)

    assert chosen.strict is True
    assert chosen.parameters["properties"]["pet"] == {
        "anyOf": [{"$ref": "#/$defs/Cat"}, {"$ref": "#/$defs/Dog"}]
    }


def _tagged(tag: str) -> dict[str, Any]:
    return {"type": "object", "properties": {"kind": {"const": tag}}, "required": ["kind"]}
