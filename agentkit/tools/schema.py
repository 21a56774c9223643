"""Walking JSON Schemas: the keywords that hold subschemas, and title stripping."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

__all__ = ["resolve_ref", "strip_titles", "subschemas", "transform"]

JsonSchema = dict[str, Any]

_MAP_KEYWORDS = ("properties", "$defs", "definitions", "patternProperties", "dependentSchemas")
_LIST_KEYWORDS = ("anyOf", "oneOf", "allOf", "prefixItems")
_SINGLE_KEYWORDS = (
    "items",
    "additionalProperties",
    "not",
    "if",
    "then",
    "else",
    "contains",
    "propertyNames",
    "unevaluatedProperties",
)


def subschemas(schema: JsonSchema) -> Iterator[tuple[str, JsonSchema]]:
    """Yield ``(path, subschema)`` for each direct subschema of ``schema``.

    The path is a dotted JSON Pointer-like string relative to ``schema``, e.g.
    ``properties.city`` or ``anyOf.0``. Boolean subschemas are skipped.
    """
    for key in _MAP_KEYWORDS:
        value = schema.get(key)
        if isinstance(value, dict):
            for name, sub in value.items():
                if isinstance(sub, dict):
                    yield f"{key}.{name}", sub
    for key in _LIST_KEYWORDS:
        value = schema.get(key)
        if isinstance(value, list):
            for index, sub in enumerate(value):
                if isinstance(sub, dict):
                    yield f"{key}.{index}", sub
    for key in _SINGLE_KEYWORDS:
        value = schema.get(key)
        if isinstance(value, dict):
            yield key, value


def transform(schema: JsonSchema, fn: Callable[[JsonSchema, str], JsonSchema]) -> JsonSchema:
    """Rebuild ``schema`` bottom-up, applying ``fn(node, path)`` to every (sub)schema.

    ``fn`` receives a shallow copy whose subschemas are already transformed, and returns
    the replacement node. The input is never mutated.
    """
    return _transform(schema, fn, "")


def _transform(
    node: JsonSchema, fn: Callable[[JsonSchema, str], JsonSchema], path: str
) -> JsonSchema:
    out = dict(node)
    for key in _MAP_KEYWORDS:
        if isinstance(node.get(key), dict):
            out[key] = {
                name: _transform(sub, fn, _join(path, f"{key}.{name}"))
                if isinstance(sub, dict)
                else sub
                for name, sub in node[key].items()
            }
    for key in _LIST_KEYWORDS:
        if isinstance(node.get(key), list):
            out[key] = [
                _transform(sub, fn, _join(path, f"{key}.{i}")) if isinstance(sub, dict) else sub
                for i, sub in enumerate(node[key])
            ]
    for key in _SINGLE_KEYWORDS:
        if isinstance(node.get(key), dict):
            out[key] = _transform(node[key], fn, _join(path, key))
    return fn(out, path)


def _join(path: str, tail: str) -> str:
    return f"{path}.{tail}" if path else tail


def strip_titles(schema: JsonSchema) -> JsonSchema:
    """Remove every ``title`` keyword (pydantic's noise), leaving properties named title alone."""
    return transform(schema, lambda node, _path: {k: v for k, v in node.items() if k != "title"})


def resolve_ref(root: JsonSchema, ref: str) -> JsonSchema:
    """The subschema a local ``$ref`` (``#/$defs/Name``) points at."""
    if not ref.startswith("#"):
        raise ValueError(f"only local $ref values are supported, got {ref!r}")
    node: Any = root
    for part in ref.lstrip("#").strip("/").split("/"):
        if part:
            node = node[part.replace("~1", "/").replace("~0", "~")]
    if not isinstance(node, dict):
        raise ValueError(f"$ref {ref!r} does not point at a schema")
    return node
