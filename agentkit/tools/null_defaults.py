"""Strict mode's "null means the default": remove the nulls the original types reject.

In strict mode every optional property is required and nullable, so a model that wants a
property's default sends ``null``. `drop_defaulted_nulls` walks the arguments along the
original (non-strict) schema and removes each ``null`` sent for an optional property whose
type rejects null, so that pydantic applies the default. It follows ``$ref``, array items,
``additionalProperties`` values and unions (``anyOf`` and pydantic's ``oneOf``): of a
union's object branches it keeps those the value can be (its keys are theirs, its constant
tags match), and drops a null only where every such branch would.
"""

from __future__ import annotations

from typing import Any

from agentkit.tools.schema import JsonSchema, resolve_ref

__all__ = ["drop_defaulted_nulls"]

_TYPED_KEYS = ("type", "$ref", "anyOf", "oneOf", "enum", "const")
_MAX_REF_HOPS = 32


def drop_defaulted_nulls(value: Any, schema: JsonSchema, root: JsonSchema | None = None) -> Any:
    """``value`` without the nulls sent for optional properties whose type rejects null.

    Args:
        value: the decoded arguments (or a part of them).
        schema: the original (non-strict) schema of ``value``.
        root: the schema ``$ref`` values resolve against (default: ``schema``).
    """
    root = schema if root is None else root
    if isinstance(value, list):
        items: list[JsonSchema] = [
            shape["items"]
            for shape in _shapes(schema, root, _is_array)
            if isinstance(shape.get("items"), dict)
        ]
        if not items:
            return value
        item_schema = items[0] if len(items) == 1 else {"anyOf": items}
        return [drop_defaulted_nulls(v, item_schema, root) for v in value]
    if isinstance(value, dict):
        shapes = _shapes(schema, root, _is_object)
        if not shapes:
            return value
        return _drop_in_object(value, _possible(value, shapes, root), root)
    return value


def _drop_in_object(
    value: dict[str, Any], shapes: list[JsonSchema], root: JsonSchema
) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, item in value.items():
        subs = [sub for sub in (_property(shape, key) for shape in shapes) if sub is not None]
        if item is None and all(_defaulted_rejecting_null(s, key, root) for s in shapes):
            continue
        if not subs:
            out[key] = item
        else:
            out[key] = drop_defaulted_nulls(
                item, subs[0] if len(subs) == 1 else {"anyOf": subs}, root
            )
    return out


def _property(shape: JsonSchema, key: str) -> JsonSchema | None:
    """The schema of ``key`` in an object schema: its property, or the extra-keys schema."""
    properties = shape.get("properties") or {}
    if key in properties:
        sub = properties[key]
        return sub if isinstance(sub, dict) else None
    extra = shape.get("additionalProperties")
    return extra if isinstance(extra, dict) else None


def _defaulted_rejecting_null(shape: JsonSchema, key: str, root: JsonSchema) -> bool:
    properties = shape.get("properties") or {}
    sub = properties.get(key)
    return (
        isinstance(sub, dict)
        and key not in shape.get("required", [])
        and not _accepts_null(sub, root)
    )


def _possible(
    value: dict[str, Any], shapes: list[JsonSchema], root: JsonSchema
) -> list[JsonSchema]:
    """The object shapes ``value`` can be; all of them when it fits none."""
    fitting = [shape for shape in shapes if _fits(value, shape, root)]
    return fitting or shapes


def _fits(value: dict[str, Any], shape: JsonSchema, root: JsonSchema) -> bool:
    # The published strict schema closes every object, so a key a branch lacks rules it out.
    properties = shape.get("properties") or {}
    if shape.get("additionalProperties") in (None, False) and not set(value) <= set(properties):
        return False
    for key, item in value.items():
        sub = properties.get(key)
        if not isinstance(sub, dict) or item is None:
            continue
        tag = _deref(sub, root)
        if "const" in tag and item != tag["const"]:
            return False
        if isinstance(tag.get("enum"), list) and item not in tag["enum"]:
            return False
    return True


def _shapes(schema: JsonSchema, root: JsonSchema, wanted: Any) -> list[JsonSchema]:
    """The branches of ``schema`` (through refs and unions) that ``wanted`` accepts."""
    node = _deref(schema, root)
    if wanted(node):
        return [node]
    found: list[JsonSchema] = []
    for keyword in ("anyOf", "oneOf"):
        for branch in node.get(keyword) or ():
            if isinstance(branch, dict):
                found.extend(_shapes(branch, root, wanted))
    return found


def _is_object(node: JsonSchema) -> bool:
    kind = node.get("type")
    return "properties" in node or kind == "object" or (isinstance(kind, list) and "object" in kind)


def _is_array(node: JsonSchema) -> bool:
    kind = node.get("type")
    return "items" in node or kind == "array" or (isinstance(kind, list) and "array" in kind)


def _deref(schema: JsonSchema, root: JsonSchema) -> JsonSchema:
    for _ in range(_MAX_REF_HOPS):
        if "$ref" in schema:
            schema = resolve_ref(root, schema["$ref"])
        elif isinstance(schema.get("allOf"), list) and len(schema["allOf"]) == 1:
            schema = schema["allOf"][0]
        else:
            break
    return schema


def _accepts_null(schema: JsonSchema, root: JsonSchema) -> bool:
    node = _deref(schema, root)
    if not any(k in node for k in _TYPED_KEYS):
        return True
    kind = node.get("type")
    if kind == "null" or (isinstance(kind, list) and "null" in kind):
        return True
    if None in (node.get("enum") or ()) or ("const" in node and node["const"] is None):
        return True
    branches = [*(node.get("anyOf") or ()), *(node.get("oneOf") or ())]
    return any(_accepts_null(s, root) for s in branches if isinstance(s, dict))
