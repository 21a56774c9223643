"""Text out of PDF, Word (.docx) and PowerPoint (.pptx) files (the ``file-search`` extra).

The readers are pypdf, python-docx and python-pptx.

Each reader takes a path or a binary stream and reads lazily, so a large document is never
held in memory whole. A reader's failure on a broken file becomes an `IngestError`
(``invalid_file``) in `agentkit.file_search.extraction`.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any, BinaryIO

__all__ = ["docx_text", "pdf_text", "pptx_text"]

Readable = Path | BinaryIO


def pdf_text(source: Readable) -> Iterator[str]:
    """The text of each page of a PDF, a blank line between pages.

    Raises:
        pypdf.errors.PdfReadError: the file is not a readable PDF (or is encrypted).
    """
    from pypdf import PdfReader
    from pypdf.errors import FileNotDecryptedError

    reader = PdfReader(source)
    if reader.is_encrypted:
        raise FileNotDecryptedError("the PDF is encrypted")
    for page in reader.pages:
        yield page.extract_text() + "\n\n"


def docx_text(source: Readable) -> Iterator[str]:
    """The paragraphs and table cells of a Word document, in document order."""
    import docx

    document = docx.Document(str(source) if isinstance(source, Path) else source)
    for section in document.sections:
        yield from _paragraphs(section.header.paragraphs)
    for block in document.iter_inner_content():
        if hasattr(block, "rows"):
            for row in block.rows:
                yield " | ".join(cell.text for cell in row.cells) + "\n"
        else:
            yield block.text + "\n"


def pptx_text(source: Readable) -> Iterator[str]:
    """The text of each slide of a presentation (shapes, tables, notes), slide by slide."""
    import pptx

    presentation = pptx.Presentation(str(source) if isinstance(source, Path) else source)
    for number, slide in enumerate(presentation.slides, start=1):
        yield f"Slide {number}\n"
        for shape in slide.shapes:
            yield from _shape_text(shape)
        if slide.has_notes_slide and slide.notes_slide.notes_text_frame is not None:
            yield slide.notes_slide.notes_text_frame.text + "\n"
        yield "\n"


def _paragraphs(paragraphs: list[Any]) -> Iterator[str]:
    for paragraph in paragraphs:
        if paragraph.text.strip():
            yield paragraph.text + "\n"


def _shape_text(shape: Any) -> Iterator[str]:
    if getattr(shape, "has_text_frame", False):
        yield shape.text_frame.text + "\n"
    if getattr(shape, "has_table", False):
        for row in shape.table.rows:
            yield " | ".join(cell.text for cell in row.cells) + "\n"
    for child in getattr(shape, "shapes", ()):  # a group's shapes
        yield from _shape_text(child)
