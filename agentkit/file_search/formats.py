"""Which files file search reads, told by their names and checked against their first bytes."""

from __future__ import annotations

from enum import Enum
from pathlib import PurePath

from agentkit.file_search.errors import IngestError

__all__ = ["FileFormat", "format_of", "require_signature"]


class FileFormat(Enum):
    """How a file's text is extracted."""

    TEXT = "text"
    HTML = "html"
    JSON = "json"
    PDF = "pdf"
    DOCX = "docx"
    PPTX = "pptx"


_CODE = [
    "c",
    "cpp",
    "cc",
    "h",
    "hpp",
    "cs",
    "css",
    "go",
    "java",
    "js",
    "mjs",
    "ts",
    "tsx",
    "jsx",
    "php",
    "py",
    "rb",
    "rs",
    "sh",
    "bash",
    "sql",
    "swift",
    "kt",
    "scala",
    "lua",
    "r",
    "pl",
    "tex",
    "toml",
    "yaml",
    "yml",
    "ini",
    "cfg",
    "xml",
    "csv",
    "tsv",
]
_EXTENSIONS: dict[str, FileFormat] = {
    **{ext: FileFormat.TEXT for ext in ("txt", "md", "markdown", "rst", "log", *_CODE)},
    "html": FileFormat.HTML,
    "htm": FileFormat.HTML,
    "json": FileFormat.JSON,
    "pdf": FileFormat.PDF,
    "docx": FileFormat.DOCX,
    "pptx": FileFormat.PPTX,
}
_SIGNATURES = {
    FileFormat.PDF: (b"%PDF-", "a PDF (it does not start with %PDF-)"),
    FileFormat.DOCX: (b"PK\x03\x04", "a Word document (it is not a ZIP package)"),
    FileFormat.PPTX: (b"PK\x03\x04", "a PowerPoint file (it is not a ZIP package)"),
}
_LEGACY = {"doc": "docx", "ppt": "pptx", "xls": "csv"}


def format_of(filename: str) -> FileFormat:
    """The format of ``filename``, from its extension.

    Raises:
        IngestError: the extension is not one file search reads (``unsupported_file``).
    """
    extension = PurePath(filename).suffix.lower().lstrip(".")
    found = _EXTENSIONS.get(extension)
    if found is not None:
        return found
    if extension in _LEGACY:
        hint = f"; save it as .{_LEGACY[extension]}"
    else:
        hint = "; supported: " + ", ".join(sorted(f".{ext}" for ext in _EXTENSIONS))
    kind = f"'.{extension}' files" if extension else "files without an extension"
    raise IngestError(f"{filename}: {kind} are not supported{hint}.", code="unsupported_file")


def require_signature(file_format: FileFormat, filename: str, head: bytes) -> None:
    """Check that a binary format's first bytes are what its extension says.

    Raises:
        IngestError: the bytes are not of that format (``invalid_file``).
    """
    expected = _SIGNATURES.get(file_format)
    if expected is not None and not head.startswith(expected[0]):
        raise IngestError(f"{filename} is not {expected[1]}.")
