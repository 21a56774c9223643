"""A small deterministic generator of values that satisfy a JSON Schema, for `TestModel`.

Covers what tool schemas use: ``type`` (and type lists), ``enum``, ``const``, ``anyOf``,
``oneOf`` (first branch), ``allOf`` (objects merged), ``$ref`` into ``$defs``/``definitions``,
``properties``/``required``, ``items``/``prefixItems``/``minItems``/``maxItems``/
``uniqueItems``, numeric bounds and ``multipleOf``, ``minLength``/``maxLength``, and the
formats ``date-time``, ``date``, ``time``, ``uuid``, ``email`` and ``uri``. ``pattern`` is not
honoured. Nullable choices prefer the non-null branch, so tools receive real values.
"""

from __future__ import annotations

import math
import uuid
from typing import Any

__all__ = ["value_for_schema"]

_FORMATS = {
    "date-time": "2024-01-01T00:00:00Z",
    "date": "2024-01-01",
    "time": "12:00:00",
    "email": "user@example.com",
    "uri": "https://example.com",
    "url": "https://example.com",
    "hostname": "example.com",
    "ipv4": "192.0.2.1",
}
_MAX_DEPTH = 12


def value_for_schema(schema: dict[str, Any] | bool, *, seed: int = 0) -> Any:
    """A value valid for ``schema``; the same schema and seed always give the same value."""
    return _Generator(schema if isinstance(schema, dict) else {}, seed).value(schema, "", 0)


class _Generator:
    def __init__(self, root: dict[str, Any], seed: int) -> None:
        self.root = root
        self.seed = seed

    def value(self, schema: dict[str, Any] | bool, path: str, depth: int) -> Any:
        if not isinstance(schema, dict):
            return "example"
        schema = self._resolve(schema)
        if "const" in schema:
            return schema["const"]
        if schema.get("enum"):
            options = schema["enum"]
            return options[self.seed % len(options)]
        for key in ("anyOf", "oneOf"):
            if schema.get(key):
                merged = {k: v for k, v in schema.items() if k != key}
                return self.value({**merged, **_pick_branch(schema[key], self)}, path, depth)
        if schema.get("allOf"):
            return self.value(self._merge_all(schema), path, depth)
        return self._by_type(schema, _type_of(schema), path, depth)

    def _resolve(self, schema: dict[str, Any]) -> dict[str, Any]:
        seen = 0
        while "$ref" in schema and seen < _MAX_DEPTH:
            target: Any = self.root
            for part in schema["$ref"].lstrip("#/").split("/"):
                if part:
                    target = target[part.replace("~1", "/").replace("~0", "~")]
            rest = {k: v for k, v in schema.items() if k != "$ref"}
            schema = {**target, **rest}
            seen += 1
        return schema

    def _merge_all(self, schema: dict[str, Any]) -> dict[str, Any]:
        merged: dict[str, Any] = {k: v for k, v in schema.items() if k != "allOf"}
        for part in schema["allOf"]:
            part = self._resolve(part)
            for key, val in part.items():
                if key == "properties":
                    merged["properties"] = {**merged.get("properties", {}), **val}
                elif key == "required":
                    merged["required"] = [*merged.get("required", []), *val]
                else:
                    merged.setdefault(key, val)
        return merged

    def _by_type(self, schema: dict[str, Any], kind: str, path: str, depth: int) -> Any:
        if kind == "object":
            return self._object(schema, path, depth)
        if kind == "array":
            return self._array(schema, path, depth)
        if kind == "string":
            return _string(schema, path, self.seed)
        if kind in ("integer", "number"):
            return _number(schema, integer=kind == "integer", seed=self.seed)
        if kind == "boolean":
            return self.seed % 2 == 0
        if kind == "null":
            return None
        return f"example-{self.seed}"

    def _object(self, schema: dict[str, Any], path: str, depth: int) -> dict[str, Any]:
        properties: dict[str, Any] = schema.get("properties") or {}
        required = set(schema.get("required") or ())
        # Deep optional branches are left out so recursive models terminate.
        names = [n for n in properties if n in required or depth < _MAX_DEPTH // 2]
        result = {name: self.value(properties[name], f"{path}.{name}", depth + 1) for name in names}
        for name in required - set(result):
            extra = schema.get("additionalProperties")
            result[name] = self.value(extra if isinstance(extra, dict) else {}, name, depth + 1)
        return result

    def _array(self, schema: dict[str, Any], path: str, depth: int) -> list[Any]:
        prefix = list(schema.get("prefixItems") or ())
        items = schema.get("items", {})
        low = schema.get("minItems", 0)
        high = schema.get("maxItems", max(low, len(prefix), 1))
        count = max(low, len(prefix), min(1, high))
        values = [self.value(s, f"{path}[{i}]", depth + 1) for i, s in enumerate(prefix)]
        if items is False:
            return values
        for i in range(len(values), count):
            values.append(_Generator(self.root, self.seed + i).value(items, path, depth + 1))
        return values


def _pick_branch(branches: list[Any], gen: _Generator) -> dict[str, Any]:
    resolved = [gen._resolve(b) if isinstance(b, dict) else {} for b in branches]
    for branch in resolved:
        if branch.get("type") != "null":
            return branch
    return resolved[0]


def _type_of(schema: dict[str, Any]) -> str:
    kind = schema.get("type")
    if isinstance(kind, list):
        non_null = [k for k in kind if k != "null"]
        kind = non_null[0] if non_null else "null"
    if kind is None:
        if "properties" in schema or "required" in schema:
            return "object"
        if "items" in schema or "prefixItems" in schema:
            return "array"
    return str(kind) if kind is not None else "any"


def _string(schema: dict[str, Any], path: str, seed: int) -> str:
    fmt = schema.get("format")
    if fmt == "uuid":
        return str(uuid.UUID(int=seed + 1))
    base = _FORMATS.get(str(fmt)) or (f"example-{seed}" if seed else "example")
    low = schema.get("minLength", 0)
    high = schema.get("maxLength")
    if len(base) < low:
        base += "x" * (low - len(base))
    if high is not None and len(base) > high:
        base = base[:high]
    return base


def _number(schema: dict[str, Any], *, integer: bool, seed: int) -> int | float:
    low, low_open = _bound(schema, "minimum", "exclusiveMinimum", max)
    high, high_open = _bound(schema, "maximum", "exclusiveMaximum", min)
    if integer:
        if math.isfinite(low):
            low = math.floor(low) + 1 if low_open else math.ceil(low)
        if math.isfinite(high):
            high = math.ceil(high) - 1 if high_open else math.floor(high)
        low_open = high_open = False
    value: float = 1 + seed

    def fits(x: float) -> bool:
        above = x > low if low_open else x >= low
        below = x < high if high_open else x <= high
        return above and below

    if not fits(value):
        if math.isfinite(low) and math.isfinite(high):
            value = low if integer else (low + high) / 2
        else:
            value = low + 1 if math.isfinite(low) else high - 1
    step = schema.get("multipleOf")
    if step:
        for candidate in (math.ceil(value / step) * step, math.floor(value / step) * step):
            if fits(candidate):
                value = candidate
                break
    return int(value) if integer else float(value)


def _bound(
    schema: dict[str, Any], inclusive: str, exclusive: str, tighter: Any
) -> tuple[float, bool]:
    """The effective bound and whether it is exclusive (draft 2020-12 numeric form)."""
    default = -math.inf if inclusive == "minimum" else math.inf
    value: float = schema.get(inclusive, default)
    is_open = False
    other = schema.get(exclusive)
    is_number = isinstance(other, int | float) and not isinstance(other, bool)
    if is_number and tighter(other, value) == other:
        value, is_open = other, True
    return value, is_open
