"""Bounds on a parsed request body: how deep its values nest, and text that can be stored.

Both are checked right after parsing and before any other work: a value nested hundreds of
levels deep would otherwise fail deep inside validation or serialization (slowly, with an
enormous traceback), and a lone UTF-16 surrogate (the JSON escape for U+D800, say: valid JSON
but not valid Unicode) would fail only when stored, after other changes were made.

`may_exceed_bounds` looks at the raw bytes first, at C speed: a body with no surrogate escape
and no deep nesting (nearly every body) needs nothing more. Otherwise `check_bounds` walks the
parsed body to name the field at fault.
"""

from __future__ import annotations

import re
from typing import Any

from agentkit.server.errors import APIError

__all__ = ["MAX_DEPTH", "check_bounds", "may_exceed_bounds"]

#: The deepest nesting of objects and arrays allowed in one request field's value.
MAX_DEPTH = 64

_Path = tuple[str | int, ...]

# A \uD800-\uDFFF escape: the only way a lone surrogate gets into a UTF-8 JSON body.
_SURROGATE_ESCAPE = re.compile(rb"\\u[dD][89a-fA-F]")
_STRING = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"')
_OPENERS = bytes.maketrans(b"{}", b"[]")
_NOT_BRACKETS = bytes(set(range(256)) - set(b"[]{}"))


def may_exceed_bounds(raw: bytes) -> bool:
    """Whether the JSON text ``raw`` might nest too deeply or hold a lone surrogate.

    False is certain; True means `check_bounds` must look (a surrogate escape may be half of a
    valid pair). ``raw`` must be valid JSON.
    """
    if _SURROGATE_ESCAPE.search(raw):
        return True
    brackets = _STRING.sub(b"", raw).translate(_OPENERS, _NOT_BRACKETS)
    # Each pass removes the innermost (empty) containers: one level. The body is a level too.
    for _ in range(MAX_DEPTH + 1):
        if not brackets:
            return False
        brackets = brackets.replace(b"[]", b"")
    return bool(brackets)


def check_bounds(body: dict[str, Any]) -> None:
    """Raise a 400 naming the field that nests deeper than `MAX_DEPTH` or holds a surrogate.

    A field's value that is an object or array is one level; each container inside it adds
    one. Object keys are checked for surrogates as well as string values.
    """
    # Only containers go on the stack, and a path is built only for them: most elements of a
    # large body are scalars, checked in place.
    pending: list[tuple[dict[str, Any] | list[Any], _Path, int]] = [(body, (), 0)]
    while pending:
        container, path, depth = pending.pop()
        if depth > MAX_DEPTH:
            field = _render(path[:1])
            message = f"Invalid '{field}': JSON nested more than {MAX_DEPTH} levels deep."
            raise APIError(400, message, param=field, code="invalid_value")
        items: Any = container.items() if isinstance(container, dict) else enumerate(container)
        for key, item in items:
            if isinstance(key, str) and not key.isascii():
                _check_text(key, path)
            if isinstance(item, str):
                if not item.isascii():
                    _check_text(item, (*path, key))
            elif isinstance(item, dict | list):
                pending.append((item, (*path, key), depth + 1))


def _check_text(text: str, path: _Path) -> None:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as exc:
        field = _render(path)
        code_point = f"\\u{ord(text[exc.start]):04x}"
        message = (
            f"Invalid '{field}': the text holds a lone surrogate ({code_point} at index "
            f"{exc.start}), which is not valid Unicode."
        )
        raise APIError(400, message, param=field, code="invalid_value") from None


def _render(path: _Path) -> str:
    """``tools[0].function.name``, as OpenAI names parameters."""
    parts: list[str] = []
    for item in path:
        if isinstance(item, int):
            parts.append(f"[{item}]")
        else:
            parts.append(("." if parts else "") + item)
    return "".join(parts) or "body"
