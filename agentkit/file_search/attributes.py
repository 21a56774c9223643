"""File attributes and the API's search ``filters`` over them, compiled to SQL.

Attributes are up to 16 key/value pairs per file: keys of at most 64 characters; values
strings (at most 512 characters), numbers or booleans. A filter is a comparison
``{"type": "eq"|"ne"|"gt"|"gte"|"lt"|"lte"|"in"|"nin", "key": ..., "value": ...}`` or a
compound ``{"type": "and"|"or", "filters": [...]}``, nested freely.

Values compare only with values of the same kind: ``{"type": "gt", "key": "year",
"value": 2020}`` never matches a file whose ``year`` is the string ``"2021"``. ``ne`` and
``nin`` also match files that lack the key (they are "not equal"); the others need it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from agentkit.exceptions import UserError

__all__ = [
    "AttributeValue",
    "SqlFilter",
    "compile_filter",
    "kind_of",
    "stored_value",
    "validate_attributes",
]

AttributeValue = str | float | int | bool

_MAX_KEYS, _MAX_KEY_CHARS, _MAX_VALUE_CHARS = 16, 64, 512
_OPERATORS = {"eq": "=", "ne": "=", "gt": ">", "gte": ">=", "lt": "<", "lte": "<="}
_MAX_DEPTH = 16


@dataclass(frozen=True, slots=True)
class SqlFilter:
    """A filter as a SQL condition on a ``file_id`` column, with its parameters."""

    sql: str
    params: tuple[Any, ...] = field(default=())


def kind_of(value: object) -> str | None:
    """``boolean``, ``number`` or ``string`` for an attribute value; None for anything else."""
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        return "string"
    return None


def validate_attributes(attributes: Mapping[str, Any] | None) -> dict[str, AttributeValue]:
    """A copy of ``attributes`` after checking the API's limits.

    Raises:
        UserError: too many keys, a key too long, or a value of the wrong type or length.
    """
    if attributes is None:
        return {}
    if not isinstance(attributes, Mapping):
        raise UserError(f"attributes must be an object, not {attributes!r}.")
    if len(attributes) > _MAX_KEYS:
        raise UserError(f"attributes may have at most {_MAX_KEYS} keys, not {len(attributes)}.")
    for key, value in attributes.items():
        if not isinstance(key, str) or not 0 < len(key) <= _MAX_KEY_CHARS:
            raise UserError(f"attributes key {key!r} must be a string of 1 to 64 characters.")
        if kind_of(value) is None:
            raise UserError(f"attributes[{key!r}] must be a string, number or boolean.")
        if isinstance(value, str) and len(value) > _MAX_VALUE_CHARS:
            raise UserError(f"attributes[{key!r}] is longer than {_MAX_VALUE_CHARS} characters.")
    return dict(attributes)


def compile_filter(filters: Mapping[str, Any] | None, file_id_column: str) -> SqlFilter:
    """The SQL condition for ``filters`` over an ``attributes(file_id, key, kind, value)`` table.

    Raises:
        UserError: the filter is malformed; the message gives its path (``filters.filters[1]``).
    """
    if filters is None:
        return SqlFilter("1")
    return _compile(filters, "filters", file_id_column, 0)


def _compile(node: Any, path: str, column: str, depth: int) -> SqlFilter:
    if not isinstance(node, Mapping):
        raise UserError(f"{path} must be an object, not {node!r}.")
    if depth > _MAX_DEPTH:
        raise UserError(f"{path}: filters nest at most {_MAX_DEPTH} levels deep.")
    kind = node.get("type")
    if kind in ("and", "or"):
        return _compound(node, str(kind), path, column, depth)
    if kind in _OPERATORS or kind in ("in", "nin"):
        return _comparison(node, str(kind), path, column)
    raise UserError(
        f"{path}.type must be one of eq, ne, gt, gte, lt, lte, in, nin, and, or; not {kind!r}."
    )


def _compound(node: Mapping[str, Any], kind: str, path: str, column: str, depth: int) -> SqlFilter:
    children = node.get("filters")
    if not isinstance(children, list) or not children:
        raise UserError(f"{path}.filters must be a non-empty list of filters.")
    parts = [
        _compile(child, f"{path}.filters[{i}]", column, depth + 1)
        for i, child in enumerate(children)
    ]
    joiner = " AND " if kind == "and" else " OR "
    sql = "(" + joiner.join(part.sql for part in parts) + ")"
    return SqlFilter(sql, tuple(param for part in parts for param in part.params))


def _comparison(node: Mapping[str, Any], kind: str, path: str, column: str) -> SqlFilter:
    key = node.get("key")
    if not isinstance(key, str) or not key:
        raise UserError(f"{path}.key must be a non-empty string.")
    value = node.get("value")
    exists = f"EXISTS (SELECT 1 FROM attributes a WHERE a.file_id = {column} AND a.key = ? AND "
    if kind in ("in", "nin"):
        values = _list_value(value, path)
        marks = ", ".join("(?, ?)" for _ in values)
        sql = exists + f"(a.kind, a.value) IN (VALUES {marks}))"
        params = (key, *(item for v in values for item in (kind_of(v), stored_value(v))))
        return SqlFilter(sql if kind == "in" else f"NOT {sql}", params)
    value_kind = kind_of(value)
    if value_kind is None or value is None:
        raise UserError(f"{path}.value must be a string, number or boolean for {kind!r}.")
    sql = exists + f"a.kind = ? AND a.value {_OPERATORS[kind]} ?)"
    params = (key, value_kind, stored_value(value))
    return SqlFilter(sql if kind != "ne" else f"NOT {sql}", params)


def _list_value(value: Any, path: str) -> list[str | float]:
    if not isinstance(value, list) or not value:
        raise UserError(f"{path}.value must be a non-empty list of strings or numbers.")
    for item in value:
        if kind_of(item) not in ("string", "number"):
            raise UserError(f"{path}.value holds {item!r}; only strings and numbers may be listed.")
    return list(value)


def stored_value(value: AttributeValue) -> str | float | int:
    """How a value is stored in SQLite: booleans as 0/1 (their kind says boolean), others as is.

    SQLite compares integers and reals by value, so ``2024`` and ``2024.0`` are equal.
    """
    return int(value) if isinstance(value, bool) else value
