"""Text out of text files: decoded as it is read, binary data refused, HTML and JSON flattened.

A text file is read in blocks, so a huge one costs one block of memory and stops as soon as
the tokenizer's limit is passed. The encoding is UTF-8 (a BOM may say UTF-16), else
Windows-1252; NUL bytes, or bytes neither decodes, mean the file is not text.
"""

from __future__ import annotations

import codecs
import json
from collections.abc import Iterator
from html.parser import HTMLParser
from typing import Any, BinaryIO

from agentkit.file_search.errors import IngestError

__all__ = ["decoded_text", "html_text", "json_text"]

_BLOCK = 1 << 20
_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
# Control characters other than tab, newline, form feed and carriage return.
_CONTROL = frozenset(chr(code) for code in range(32) if chr(code) not in "\t\n\f\r") | {"\x7f"}


def decoded_text(stream: BinaryIO, filename: str) -> Iterator[str]:
    """The text of ``stream``, block by block.

    Raises:
        IngestError: the bytes are binary data or in no encoding file search reads.
    """
    first = stream.read(_BLOCK)
    encoding = _encoding_of(first, filename)
    decoder = codecs.getincrementaldecoder(encoding)()
    block, offset = first, 0
    while block:
        if "utf-16" not in encoding and b"\x00" in block:
            where = offset + block.index(b"\x00")
            raise IngestError(
                f"{filename} holds binary data (a NUL byte at offset {where}), not text."
            )
        try:
            yield decoder.decode(block)
        except UnicodeDecodeError as exc:
            raise IngestError(
                f"{filename} is not valid {encoding} text (at byte {offset + exc.start})."
            ) from exc
        offset += len(block)
        block = stream.read(_BLOCK)
    yield decoder.decode(b"", final=True)


def _encoding_of(head: bytes, filename: str) -> str:
    for bom, encoding in _BOMS:
        if head.startswith(bom):
            return encoding
    if b"\x00" in head[:8192]:
        raise IngestError(f"{filename} holds binary data (NUL bytes), not text.")
    for encoding in ("utf-8", "cp1252"):
        try:
            sample = codecs.getincrementaldecoder(encoding)().decode(head[:65536])
        except UnicodeDecodeError:
            continue
        controls = sum(1 for char in sample if char in _CONTROL)
        if controls > len(sample) // 100:
            break
        return encoding
    raise IngestError(f"{filename} holds binary data, not text in UTF-8 or Windows-1252.")


class _TextCollector(HTMLParser):
    """Collects an HTML page's visible text, a line break at each block element."""

    _HIDDEN = frozenset({"script", "style", "template", "noscript", "head"})
    _BLOCKS = frozenset(
        [
            "p",
            "div",
            "br",
            "li",
            "tr",
            "h1",
            "h2",
            "h3",
            "h4",
            "h5",
            "h6",
            "section",
            "article",
            "header",
            "footer",
            "table",
            "ul",
            "ol",
            "pre",
            "blockquote",
            "title",
            "dt",
            "dd",
        ]
    )

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self._HIDDEN and tag != "head":
            self._hidden += 1
        elif tag in self._BLOCKS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in self._HIDDEN and tag != "head":
            self._hidden = max(0, self._hidden - 1)
        elif tag in self._BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self._hidden:
            self.parts.append(data)

    def take(self) -> str:
        text, self.parts = "".join(self.parts), []
        return text


def html_text(pieces: Iterator[str]) -> Iterator[str]:
    """The visible text of an HTML page given in ``pieces`` (scripts and styles left out)."""
    collector = _TextCollector()
    for piece in pieces:
        collector.feed(piece)
        yield collector.take()
    collector.close()
    yield collector.take()


def json_text(text: str, filename: str) -> Iterator[str]:
    """One ``path: value`` line per value of a JSON document, so keys are searchable too.

    Raises:
        IngestError: the text is not JSON.
    """
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        raise IngestError(f"{filename} is not valid JSON: {exc}.") from exc
    yield from _json_lines(document, "")


def _json_lines(value: Any, path: str) -> Iterator[str]:
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _json_lines(item, f"{path}.{key}" if path else str(key))
    elif isinstance(value, list):
        for position, item in enumerate(value):
            yield from _json_lines(item, f"{path}[{position}]")
    else:
        shown = value if isinstance(value, str) else json.dumps(value)
        yield f"{path}: {shown}\n" if path else f"{shown}\n"
