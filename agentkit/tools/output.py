"""Turning a tool's return value into the output string the model reads.

The rules, in order:

- ``str`` is sent as is.
- ``None`` becomes ``null`` (JSON), never an empty string: some servers reject empty outputs
  and the model can tell "nothing" from "the text was empty".
- Everything else is compact JSON (``separators=(",", ":")``, non-ASCII kept as is): bools,
  numbers, lists, tuples, sets (sorted when sortable), dicts with str/int/float/bool keys,
  dataclasses, pydantic models (``model_dump(mode="json")``), enums (their value),
  datetime/date/time/UUID/Decimal (pydantic's JSON forms).
- ``bytes`` and any other value raise `ToolOutputError` naming the type. NaN and infinity
  are not JSON and raise too.
"""

from __future__ import annotations

import dataclasses
import datetime
import decimal
import enum
import json
import uuid
from typing import Any

import pydantic_core
from pydantic import BaseModel

from agentkit.exceptions import ToolOutputError

__all__ = ["to_output"]

_SCALARS = (str, int, float, bool, type(None))
_PYDANTIC_JSON = (datetime.date, datetime.time, datetime.timedelta, uuid.UUID, decimal.Decimal)


class _Unsupported(TypeError):
    def __init__(self, value: Any, where: str) -> None:
        super().__init__(f"{type(value).__module__}.{type(value).__qualname__} at {where}")


def to_output(value: Any, *, tool_name: str) -> str:
    """Convert ``value`` to the output string, following the module's rules.

    Raises:
        ToolOutputError: the value (or something inside it) has no JSON form.
    """
    if isinstance(value, str):
        return value
    try:
        plain = _plain(value, "the return value")
        return json.dumps(plain, separators=(",", ":"), ensure_ascii=False, allow_nan=False)
    except _Unsupported as exc:
        message = f"tool {tool_name!r} returned a value that cannot be sent to the model: {exc}"
    except ValueError as exc:
        message = f"tool {tool_name!r} returned a value that is not valid JSON: {exc}"
    raise ToolOutputError(message, tool_name=tool_name)


def _plain(value: Any, where: str) -> Any:
    if isinstance(value, enum.Enum):
        return _plain(value.value, where)
    if isinstance(value, _SCALARS):
        return value
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json")
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {
            f.name: _plain(getattr(value, f.name), f"{where}.{f.name}")
            for f in dataclasses.fields(value)
        }
    if isinstance(value, dict):
        return {_key(k, where): _plain(v, f"{where}[{k!r}]") for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v, f"{where}[{i}]") for i, v in enumerate(value)]
    if isinstance(value, set | frozenset):
        return [_plain(v, f"{where}[...]") for v in _sorted(value)]
    if isinstance(value, _PYDANTIC_JSON):
        return pydantic_core.to_jsonable_python(value)
    raise _Unsupported(value, where)


def _key(key: Any, where: str) -> Any:
    if isinstance(key, enum.Enum):
        key = key.value
    if isinstance(key, str | int | float | bool):
        return key
    raise _Unsupported(key, f"a key of {where}")


def _sorted(values: set[Any] | frozenset[Any]) -> list[Any]:
    try:
        return sorted(values)
    except TypeError:  # mixed or unorderable members keep iteration order
        return list(values)
