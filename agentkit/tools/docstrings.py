"""Reading a tool's description and parameter descriptions from its docstring."""

from __future__ import annotations

import inspect
from dataclasses import dataclass, field
from typing import Literal

import docstring_parser

__all__ = ["DocstringFormat", "ParsedDocstring", "parse_docstring"]

DocstringFormat = Literal["auto", "google", "numpy", "rest", "epydoc"]

_STYLES: dict[str, docstring_parser.DocstringStyle] = {
    "auto": docstring_parser.DocstringStyle.AUTO,
    "google": docstring_parser.DocstringStyle.GOOGLE,
    "numpy": docstring_parser.DocstringStyle.NUMPYDOC,
    "rest": docstring_parser.DocstringStyle.REST,
    "epydoc": docstring_parser.DocstringStyle.EPYDOC,
}


@dataclass(frozen=True, slots=True)
class ParsedDocstring:
    """What a docstring tells the model.

    Attributes:
        description: the summary and body, without parameter, returns or raises sections.
        params: one description per documented parameter (``*args`` listed as ``args``).
    """

    description: str = ""
    params: dict[str, str] = field(default_factory=dict)


def parse_docstring(doc: str | None, docstring_format: DocstringFormat = "auto") -> ParsedDocstring:
    """Parse ``doc`` in the given format; ``auto`` picks the style that finds the most sections.

    Google, NumPy, reST (``:param x:``) and Epydoc (``@param x:``) are understood. A Google
    docstring whose ``Args:`` header directly follows the summary (no blank line) still parses.
    """
    if not doc or not doc.strip():
        return ParsedDocstring()
    if docstring_format not in _STYLES:
        raise ValueError(
            f"docstring_format must be one of {sorted(_STYLES)}, got {docstring_format!r}"
        )
    parsed = docstring_parser.parse(inspect.cleandoc(doc), style=_STYLES[docstring_format])
    parts = [p.strip() for p in (parsed.short_description, parsed.long_description) if p]
    # docstring-parser cuts a summary that wraps onto a second line; rejoin it as one paragraph.
    separator = "\n\n" if parsed.blank_after_short_description else " "
    description = separator.join(p for p in parts if p)
    params = {
        p.arg_name.lstrip("*"): " ".join(p.description.split())
        for p in parsed.params
        if p.description
    }
    return ParsedDocstring(description=description, params=params)
