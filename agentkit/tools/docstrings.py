"""Reading a tool's description and parameter descriptions from its docstring."""

from __future__ import annotations

import inspect
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    import docstring_parser

__all__ = ["DocstringFormat", "DocstringWarning", "ParsedDocstring", "parse_docstring"]

DocstringFormat = Literal["auto", "google", "numpy", "rest", "epydoc"]
_FORMATS = ("rest", "google", "numpy", "epydoc")


@cache
def _parsers() -> dict[str, Callable[[str], docstring_parser.Docstring]]:
    """docstring_parser's parsers, imported at the first tool (not with agentkit)."""
    from docstring_parser import epydoc, numpydoc, rest
    from docstring_parser.google import DEFAULT_SECTIONS, GoogleParser, Section, SectionType

    # Google's keyword-argument sections (as napoleon reads them) document parameters too.
    google = GoogleParser(
        [
            *DEFAULT_SECTIONS,
            *(
                Section(title, "param", SectionType.MULTIPLE)
                for title in ("Keyword Args", "Keyword Arguments", "Kwargs", "Other Parameters")
            ),
        ]
    )
    # In docstring_parser's own order (_FORMATS), which breaks ties in "auto".
    return {
        "rest": rest.parse,
        "google": google.parse,
        "numpy": numpydoc.parse,
        "epydoc": epydoc.parse,
    }


class DocstringWarning(UserWarning):
    """A tool's docstring describes a parameter the function does not have."""


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
    docstring whose ``Args:`` header directly follows the summary (no blank line), or that has
    no summary at all, still parses; ``Keyword Args:`` sections document parameters too.
    """
    if not doc or not doc.strip():
        return ParsedDocstring()
    if docstring_format != "auto" and docstring_format not in _FORMATS:
        raise ValueError(
            f"docstring_format must be one of {sorted(['auto', *_FORMATS])}, "
            f"got {docstring_format!r}"
        )
    # The parsers clean the text again, dedenting every line but the first by the others'
    # common indent; a blank first line keeps a section that opens the docstring intact.
    text = "\n" + inspect.cleandoc(doc)
    parsed = _parse(text, docstring_format)
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


def _parse(text: str, docstring_format: DocstringFormat) -> docstring_parser.Docstring:
    import docstring_parser

    parsers = _parsers()
    if docstring_format != "auto":
        return parsers[docstring_format](text)
    found: list[docstring_parser.Docstring] = []
    for parse in parsers.values():
        try:
            found.append(parse(text))
        except docstring_parser.ParseError:
            continue
    if not found:
        return docstring_parser.Docstring()
    # As docstring_parser's own "auto": the style that finds the most sections wins.
    return max(found, key=lambda parsed: len(parsed.meta))
