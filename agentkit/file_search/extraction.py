"""A file's text, whatever its format, as a stream of pieces; every failure a clear `IngestError`.

format_of(filename)      the extension decides the reader (unsupported -> unsupported_file)
size and first bytes     empty, over 512 MB, or not what the extension says -> invalid_file
the reader               text, HTML, JSON, PDF, DOCX, PPTX; a broken file -> invalid_file
no text at all           an image-only PDF, a blank document -> invalid_file
"""

from __future__ import annotations

import io
import os
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path
from typing import BinaryIO

from agentkit.file_search.document_extraction import docx_text, pdf_text, pptx_text
from agentkit.file_search.errors import IngestError
from agentkit.file_search.formats import FileFormat, format_of, require_signature
from agentkit.file_search.text_extraction import decoded_text, html_text, json_text

__all__ = ["MAX_FILE_BYTES", "MAX_JSON_BYTES", "FileSource", "extract_text", "source_size"]

FileSource = bytes | Path
"""A file's content: its bytes, or the path of a file holding them (read lazily)."""

MAX_FILE_BYTES = 512 * 1024 * 1024
"""The Files API's limit on one file."""
MAX_JSON_BYTES = 64 * 1024 * 1024
"""JSON is parsed whole; a larger document should be uploaded as JSON Lines text."""

_NO_TEXT_HINTS = {
    FileFormat.PDF: " (it may be a scanned image: run OCR on it and upload the text)",
    FileFormat.DOCX: " (the document may hold only images)",
    FileFormat.PPTX: " (the slides may hold only images)",
}


def source_size(source: FileSource, filename: str) -> int:
    """The size of ``source`` in bytes.

    Raises:
        IngestError: a path that no longer exists.
    """
    if isinstance(source, bytes):
        return len(source)
    try:
        return os.stat(source).st_size
    except FileNotFoundError as exc:
        raise IngestError(f"{filename}: its content is gone ({source} does not exist).") from exc


def extract_text(filename: str, source: FileSource) -> Iterator[str]:
    """The text of ``filename`` (content in ``source``), piece by piece.

    Raises:
        IngestError: while iterating, when the file is unsupported, empty, too large, broken,
            binary where text was expected, or has no text.
    """
    file_format = format_of(filename)
    size = source_size(source, filename)
    if size == 0:
        raise IngestError(f"{filename} is empty (0 bytes).")
    if size > MAX_FILE_BYTES:
        raise IngestError(f"{filename} is {size:,} bytes; the limit is {MAX_FILE_BYTES:,}.")
    if file_format is FileFormat.JSON and size > MAX_JSON_BYTES:
        raise IngestError(
            f"{filename} is {size:,} bytes; JSON over {MAX_JSON_BYTES:,} bytes is not parsed, "
            "upload it as JSON Lines (.txt) instead."
        )
    return _checked(filename, file_format, source)


def _checked(filename: str, file_format: FileFormat, source: FileSource) -> Iterator[str]:
    has_text = False
    with ExitStack() as stack:
        stream = stack.enter_context(_open(source, filename))
        require_signature(file_format, filename, stream.read(8))
        stream.seek(0)
        try:
            for piece in _read(file_format, filename, source, stream):
                has_text = has_text or not piece.isspace() and piece != ""
                yield piece
        except IngestError:
            raise
        except Exception as exc:
            raise IngestError(
                f"{filename} could not be read as {file_format.value.upper()}: "
                f"{type(exc).__name__}: {exc}"
            ) from exc
    if not has_text:
        raise IngestError(f"{filename} has no text{_NO_TEXT_HINTS.get(file_format, '')}.")


def _open(source: FileSource, filename: str) -> BinaryIO:
    if isinstance(source, bytes):
        return io.BytesIO(source)
    try:
        return open(source, "rb")  # noqa: SIM115 - closed by the caller's ExitStack
    except FileNotFoundError as exc:
        raise IngestError(f"{filename}: its content is gone ({source} does not exist).") from exc


def _read(
    file_format: FileFormat, filename: str, source: FileSource, stream: BinaryIO
) -> Iterator[str]:
    readable = source if isinstance(source, Path) else stream
    match file_format:
        case FileFormat.TEXT:
            return decoded_text(stream, filename)
        case FileFormat.HTML:
            return html_text(decoded_text(stream, filename))
        case FileFormat.JSON:
            return json_text("".join(decoded_text(stream, filename)), filename)
        case FileFormat.PDF:
            return pdf_text(readable)
        case FileFormat.DOCX:
            return docx_text(readable)
        case FileFormat.PPTX:
            return pptx_text(readable)
