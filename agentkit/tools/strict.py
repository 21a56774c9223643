"""OpenAI strict mode: the schema transform and the rules checker.

OpenAI's strict mode (structured outputs) accepts a subset of JSON Schema: every object
closed with ``additionalProperties: false`` and every property listed in ``required``; no
``default``; no ``oneOf``/``allOf``/``not``; no tuple ``prefixItems``; no ``uniqueItems``;
no ``discriminator``; no ``$ref`` with sibling keywords; every subschema typed.
`to_strict_schema` converts a pydantic schema or raises `StrictSchemaError` when it cannot be
expressed (open dicts, ``**kwargs``, ``Any``): it never closes an open dict silently.

An optional property becomes required and nullable (`agentkit.tools.null_defaults` then
turns a ``null`` the original type does not accept back into "absent", so the default
applies). A discriminated union's tag property stays required and never nullable, even
with a default: the tag is how the union picks a branch.
"""

from __future__ import annotations

from collections.abc import Iterator

from agentkit.tools.schema import JsonSchema, subschemas, transform

__all__ = [
    "StrictModeWarning",
    "StrictSchemaError",
    "check_strict_schema",
    "describe_path",
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
# Keywords strict mode rejects that carry no constraint, so they are dropped, not refused.
_DROPPED = ("default", "title", "uniqueItems", "discriminator")


class StrictSchemaError(ValueError):
    """The schema cannot be expressed in strict mode.

    Attributes:
        path: where, as dotted keywords from the root (``properties.data``).
        reason: why, in words.
        var_keyword: the name of the function's ``**kwargs`` parameter, if it has one.
    """

    def __init__(self, path: str, reason: str, *, var_keyword: str | None = None) -> None:
        super().__init__(f"{describe_path(path, var_keyword=var_keyword)} {reason}")
        self.path = path
        self.reason = reason
        self.var_keyword = var_keyword


def describe_path(path: str, *, var_keyword: str | None = None) -> str:
    """Name the parameter or model field a schema path belongs to, for error messages.

    Args:
        path: dotted keywords from the root (``properties.data``).
        var_keyword: the name of the ``**kwargs`` parameter the arguments object's extra
            keys belong to (without it, it is called "the **kwargs parameter").
    """
    parts = path.split(".") if path else []
    kwargs = f"parameter '**{var_keyword}'" if var_keyword else "the **kwargs parameter"
    if not parts:  # only the arguments object itself: it is open because of **kwargs
        return kwargs
    if len(parts) >= 2 and parts[0] == "properties":
        return f"parameter {parts[1]!r}"
    if len(parts) >= 4 and parts[0] in ("$defs", "definitions") and parts[2] == "properties":
        return f"field {parts[3]!r} of {parts[1]!r}"
    if len(parts) >= 2 and parts[0] in ("$defs", "definitions"):
        return f"type {parts[1]!r}"
    if parts[0] == "additionalProperties":
        return kwargs
    return f"the schema at {path!r}"


def to_strict_schema(schema: JsonSchema, *, var_keyword: str | None = None) -> JsonSchema:
    """Return the strict-mode version of ``schema`` (a new dict).

    Args:
        schema: a JSON Schema of an arguments object (as pydantic writes it).
        var_keyword: the name of the function's ``**kwargs`` parameter, to name it in errors.

    Raises:
        StrictSchemaError: naming the first part strict mode cannot express.
    """
    tags = _discriminator_tags(schema)
    try:
        return transform(schema, lambda node, path: _strict_node(node, path, tags.get(path, ())))
    except StrictSchemaError as exc:
        if var_keyword is None:
            raise
        raise StrictSchemaError(exc.path, exc.reason, var_keyword=var_keyword) from None


def _strict_node(node: JsonSchema, path: str, tags: tuple[str, ...]) -> JsonSchema:
    node = {k: v for k, v in node.items() if k not in _DROPPED}
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
        node = _close_object(node, path, tags)
    return node


def _discriminator_tags(schema: JsonSchema) -> dict[str, tuple[str, ...]]:
    """The tag property of each discriminated union branch, by the branch's schema path."""
    tags: dict[str, list[str]] = {}
    for path, node in _walk(schema, ""):
        discriminator = node.get("discriminator")
        if not isinstance(discriminator, dict) or "propertyName" not in discriminator:
            continue
        keyword = "oneOf" if "oneOf" in node else "anyOf"
        for index, branch in enumerate(node.get(keyword) or ()):
            ref = branch.get("$ref") if isinstance(branch, dict) else None
            where = _ref_path(ref) if isinstance(ref, str) else _join(path, f"{keyword}.{index}")
            tags.setdefault(where, []).append(str(discriminator["propertyName"]))
    return {where: tuple(names) for where, names in tags.items()}


def _walk(node: JsonSchema, path: str) -> Iterator[tuple[str, JsonSchema]]:
    yield path, node
    for sub_path, sub in subschemas(node):
        yield from _walk(sub, _join(path, sub_path))


def _ref_path(ref: str) -> str:
    """``#/$defs/Cat`` as the dotted path the transform uses (``$defs.Cat``)."""
    return ".".join(part for part in ref.lstrip("#").split("/") if part)


def _join(path: str, tail: str) -> str:
    return f"{path}.{tail}" if path else tail


def _is_object(node: JsonSchema) -> bool:
    kind = node.get("type")
    return "properties" in node or kind == "object" or (isinstance(kind, list) and "object" in kind)


def _close_object(node: JsonSchema, path: str, tags: tuple[str, ...]) -> JsonSchema:
    extra = node.get("additionalProperties", False)
    if "properties" not in node or extra is not False:
        raise StrictSchemaError(
            path,
            "is an open dict (dict[str, T], Mapping or **kwargs); strict mode cannot express it",
        )
    required = set(node.get("required", [])) | set(tags)
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
    for keyword in (*_DROPPED, "oneOf", *_UNSUPPORTED):
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


class StrictModeWarning(UserWarning):
    """A tool with ``strict=None`` could not be strict and is sent with ``strict=False``."""
