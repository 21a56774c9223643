"""OpenAI strict mode: the schema transform, the rules checker, and "null means default".

OpenAI's strict mode (structured outputs) accepts a subset of JSON Schema: every object
closed with ``additionalProperties: false`` and every property listed in ``required``; no
``default``; no ``oneOf``/``allOf``/``not``; no tuple ``prefixItems``; no ``uniqueItems``;
no ``$ref`` with sibling keywords; every subschema typed. `to_strict_schema` converts a
pydantic schema or raises `StrictSchemaError` when it cannot be expressed (open dicts,
``**kwargs``, ``Any``): it never closes an open dict silently.

An optional property becomes required and nullable; `drop_defaulted_nulls` then turns a
``null`` the original type does not accept back into "absent", so the default applies.
"""

from __future__ import annotations

from typing import Any

from agentkit.tools.schema import JsonSchema, resolve_ref, subschemas, transform

__all__ = [
    "StrictModeWarning",
    "StrictSchemaError",
    "check_strict_schema",
    "describe_path",
    "drop_defaulted_nulls",
    "to_strict_schema",
]

_UNSUPPORTED = {
    "allOf": "allOf is not supported",
    "not": "'not' is not supported",
    "if": "conditional schemas are not supported",
    "patternProperties": "patternProperties (an open dict) is not supported",
    "propertyNames": "propertyNames (an open dict) is not supported",
    "unevaluatedProperties": "unevaluatedProperties is not supported",
    "dependentSchemas": "dependentSchemas is not supported",
    "dependentRequired": "dependentRequired is not supported",
    "prefixItems": "fixed-length tuples (prefixItems) are not supported",
    "contains": "'contains' is not supported",
}
_TYPED_KEYS = ("type", "$ref", "anyOf", "enum", "const")


class StrictSchemaError(ValueError):
    """The schema cannot be expressed in strict mode.

    Attributes:
        path: where, as dotted keywords from the root (``properties.data``).
        reason: why, in words.
    """

    def __init__(self, path: str, reason: str) -> None:
        super().__init__(f"{describe_path(path)} {reason}")
        self.path = path
        self.reason = reason


def describe_path(path: str) -> str:
    """Name the parameter or model field a schema path belongs to, for error messages."""
    parts = path.split(".") if path else []
    if not parts:  # only the arguments object itself: it is open because of **kwargs
        return "the **kwargs parameter"
    if len(parts) >= 2 and parts[0] == "properties":
        return f"parameter {parts[1]!r}"
    if len(parts) >= 4 and parts[0] in ("$defs", "definitions") and parts[2] == "properties":
        return f"field {parts[3]!r} of {parts[1]!r}"
    if len(parts) >= 2 and parts[0] in ("$defs", "definitions"):
        return f"type {parts[1]!r}"
    if parts[0] == "additionalProperties":
        return "the **kwargs parameter"
    return f"the schema at {path!r}"


def to_strict_schema(schema: JsonSchema) -> JsonSchema:
    """Return the strict-mode version of ``schema`` (a new dict).

    Raises:
        StrictSchemaError: naming the first part strict mode cannot express.
    """
    return transform(schema, _strict_node)


def _strict_node(node: JsonSchema, path: str) -> JsonSchema:
    node = {k: v for k, v in node.items() if k not in ("default", "title", "uniqueItems")}
    for keyword, reason in _UNSUPPORTED.items():
        if keyword in node and not (keyword == "allOf" and len(node["allOf"]) == 1):
            raise StrictSchemaError(path, reason)
    if "oneOf" in node:
        node["anyOf"] = node.pop("oneOf")
    if "allOf" in node:
        node = {**node.pop("allOf")[0], **node}
    if not any(k in node for k in _TYPED_KEYS):
        raise StrictSchemaError(path, "accepts any value (Any or no annotation)")
    if "$ref" in node and len(node) > 1:
        ref = node.pop("$ref")
        node = {"anyOf": [{"$ref": ref}], **node}
    if _is_object(node):
        node = _close_object(node, path)
    return node


def _is_object(node: JsonSchema) -> bool:
    kind = node.get("type")
    return "properties" in node or kind == "object" or (isinstance(kind, list) and "object" in kind)


def _close_object(node: JsonSchema, path: str) -> JsonSchema:
    extra = node.get("additionalProperties", False)
    if "properties" not in node or extra is not False:
        raise StrictSchemaError(
            path,
            "is an open dict (dict[str, T], Mapping or **kwargs); strict mode cannot express it",
        )
    required = set(node.get("required", []))
    properties = {
        name: sub if name in required else _nullable(sub)
        for name, sub in node["properties"].items()
    }
    return {
        **node,
        "properties": properties,
        "required": list(properties),
        "additionalProperties": False,
    }


def _nullable(schema: JsonSchema) -> JsonSchema:
    if _literally_accepts_null(schema):
        return schema
    outer = {k: schema[k] for k in ("description",) if k in schema}
    inner = {k: v for k, v in schema.items() if k not in outer}
    if set(inner) == {"anyOf"}:
        return {"anyOf": [*inner["anyOf"], {"type": "null"}], **outer}
    return {"anyOf": [inner, {"type": "null"}], **outer}


def _literally_accepts_null(schema: JsonSchema) -> bool:
    kind = schema.get("type")
    if kind == "null" or (isinstance(kind, list) and "null" in kind):
        return True
    return any(_literally_accepts_null(s) for s in schema.get("anyOf", []) if isinstance(s, dict))


def check_strict_schema(schema: JsonSchema) -> list[str]:
    """List every way ``schema`` breaks OpenAI's strict-mode rules (empty when it complies)."""
    problems: list[str] = []
    if schema.get("type") != "object":
        problems.append("the root must be an object schema ('type': 'object')")
    _check_node(schema, "", problems, is_root=True)
    return problems


def _check_node(node: JsonSchema, path: str, problems: list[str], *, is_root: bool) -> None:
    where = path or "root"
    for keyword in ("default", "title", "oneOf", "uniqueItems", *_UNSUPPORTED):
        if keyword in node:
            problems.append(f"{where}: keyword {keyword!r} is not allowed")
    if not is_root and not any(k in node for k in _TYPED_KEYS):
        problems.append(f"{where}: untyped schema (accepts anything)")
    if "$ref" in node and len(node) > 1:
        problems.append(f"{where}: $ref has sibling keywords {sorted(set(node) - {'$ref'})}")
    if _is_object(node):
        if node.get("additionalProperties") is not False:
            problems.append(f"{where}: object without 'additionalProperties': false")
        properties = node.get("properties")
        if not isinstance(properties, dict):
            problems.append(f"{where}: object without 'properties'")
        elif sorted(node.get("required", [])) != sorted(properties):
            problems.append(f"{where}: 'required' must list every property")
    for sub_path, sub in subschemas(node):
        _check_node(sub, f"{path}.{sub_path}" if path else sub_path, problems, is_root=False)


def drop_defaulted_nulls(value: Any, schema: JsonSchema, root: JsonSchema | None = None) -> Any:
    """Remove ``null`` values for optional properties whose original type rejects null.

    ``schema`` is the original (non-strict) schema. In strict mode an optional property is
    sent as ``null`` when the model wants the default; removing it lets the default apply.
    """
    root = schema if root is None else root
    node = _deref(schema, root)
    if isinstance(value, dict) and isinstance(node.get("properties"), dict):
        return _drop_in_object(value, node, root)
    if isinstance(value, list) and isinstance(node.get("items"), dict):
        return [drop_defaulted_nulls(v, node["items"], root) for v in value]
    branches = [_deref(b, root) for b in node.get("anyOf", []) if isinstance(b, dict)]
    if isinstance(value, dict):
        branches = [b for b in branches if "properties" in b]
    elif isinstance(value, list):
        branches = [b for b in branches if "items" in b]
    else:
        return value
    return drop_defaulted_nulls(value, branches[0], root) if len(branches) == 1 else value


def _drop_in_object(value: dict[str, Any], node: JsonSchema, root: JsonSchema) -> dict[str, Any]:
    required = set(node.get("required", []))
    out: dict[str, Any] = {}
    for key, item in value.items():
        sub = node["properties"].get(key)
        if sub is None:
            out[key] = item
        elif item is None and key not in required and not _accepts_null(sub, root):
            continue
        else:
            out[key] = drop_defaulted_nulls(item, sub, root)
    return out


def _deref(schema: JsonSchema, root: JsonSchema) -> JsonSchema:
    seen = 0
    while "$ref" in schema and seen < 32:
        schema = resolve_ref(root, schema["$ref"])
        seen += 1
    return schema


def _accepts_null(schema: JsonSchema, root: JsonSchema) -> bool:
    node = _deref(schema, root)
    if not any(k in node for k in _TYPED_KEYS):
        return True
    if None in node.get("enum", [0]) or ("const" in node and node["const"] is None):
        return True
    if _literally_accepts_null(node):
        return True
    return any(_accepts_null(s, root) for s in node.get("anyOf", []) if isinstance(s, dict))


class StrictModeWarning(UserWarning):
    """A tool with ``strict=None`` could not be strict and is sent with ``strict=False``."""
