"""MCP tool schemas through agentkit's strict pass: strict where lossless, else as sent.

A server writes its tools' input schemas for any client; OpenAI's strict mode (and Azure's,
which rejects more of them) accepts a subset of JSON Schema. `strictness` makes a schema
strict only when the strict version accepts what the original accepts, as far as a model
can say it:

- lossless, so done: annotations dropped (``title``, ``$schema``, ``$comment``,
  ``examples``, ``deprecated``, ``readOnly``, ``writeOnly``, ``discriminator``); objects that
  list their properties and say nothing of others closed; optional properties made required
  and nullable (the ``null`` is removed before the call, so the server applies its own
  default); ``oneOf`` with a discriminator read as ``anyOf``; a one-element ``allOf``
  merged; a ``$ref`` with siblings wrapped.
- lossy, so the tool is sent with ``strict: false`` and its schema exactly as the server
  wrote it, and `strictness` says why: open dicts (``additionalProperties`` true or a
  schema, a nested object without properties), ``uniqueItems``, ``oneOf`` without a
  discriminator, an optional property that accepts ``null`` and has another default, and
  whatever `to_strict_schema` refuses (``not``, conditionals, tuples, untyped values).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from agentkit.tools.schema import JsonSchema, resolve_ref, subschemas, transform
from agentkit.tools.strict import (
    StrictSchemaError,
    check_strict_schema,
    describe_path,
    to_strict_schema,
)

__all__ = ["Strictness", "strictness"]

_ANNOTATIONS = ("$schema", "$comment", "examples", "deprecated", "readOnly", "writeOnly")


@dataclass(frozen=True, slots=True)
class Strictness:
    """The schema to send and whether it is strict.

    Attributes:
        parameters: the strict schema, or the server's schema unchanged.
        strict: whether ``parameters`` is the strict version.
        reason: why the schema could not be made strict without changing its meaning.
    """

    parameters: JsonSchema
    strict: bool
    reason: str | None = None


def strictness(schema: JsonSchema) -> Strictness:
    """The strict version of ``schema`` when that is lossless, else ``schema`` non-strict."""
    reasons = list(_lossy(schema, schema, ""))
    if not reasons:
        try:
            strict = to_strict_schema(_prepared(schema))
        except StrictSchemaError as exc:
            reasons = [str(exc)]
        else:
            reasons = check_strict_schema(strict)
            if not reasons:
                return Strictness(strict, True)
    return Strictness(schema, False, "; ".join(reasons))


def _prepared(schema: JsonSchema) -> JsonSchema:
    """``schema`` without annotations; a root object without properties gets an empty list."""
    clean = transform(schema, lambda node, _path: _without_annotations(node))
    if clean.get("type") == "object" and not {"properties", "additionalProperties"} & set(clean):
        clean = {**clean, "properties": {}}
    return clean


def _without_annotations(node: JsonSchema) -> JsonSchema:
    return {key: value for key, value in node.items() if key not in _ANNOTATIONS}


def _lossy(node: JsonSchema, root: JsonSchema, path: str) -> Iterator[str]:
    """Each part of ``node`` that strict mode could express only by changing its meaning."""
    where = describe_path(path) if path else "the arguments object"
    if path == "" and node.get("type") != "object":
        yield "the arguments schema is not an object schema"
    if node.get("uniqueItems") is True:
        yield f"{where} requires unique items (uniqueItems)"
    if "oneOf" in node and not isinstance(node.get("discriminator"), dict):
        yield f"{where} is a oneOf without a discriminator (exactly one branch must match)"
    required = set(node.get("required") or ())
    for name, sub in (node.get("properties") or {}).items():
        if isinstance(sub, dict) and name not in required and _null_is_not_the_default(sub, root):
            prop = describe_path(f"{path}.properties.{name}" if path else f"properties.{name}")
            yield (
                f"{prop} is optional, accepts null and defaults to {sub['default']!r}: a "
                "strict schema could not tell 'use the default' from null"
            )
    for sub_path, sub in subschemas(node):
        yield from _lossy(sub, root, f"{path}.{sub_path}" if path else sub_path)


def _null_is_not_the_default(schema: JsonSchema, root: JsonSchema) -> bool:
    return "default" in schema and schema["default"] is not None and _accepts_null(schema, root)


def _accepts_null(schema: JsonSchema, root: JsonSchema, hops: int = 0) -> bool:
    if "$ref" in schema and hops < 32:
        try:
            return _accepts_null(resolve_ref(root, schema["$ref"]), root, hops + 1)
        except (KeyError, ValueError):
            return False
    kind: Any = schema.get("type")
    if kind == "null" or (isinstance(kind, list) and "null" in kind):
        return True
    if None in (schema.get("enum") or ()) or ("const" in schema and schema["const"] is None):
        return True
    branches = [*(schema.get("anyOf") or ()), *(schema.get("oneOf") or ())]
    return any(_accepts_null(b, root, hops) for b in branches if isinstance(b, dict))
