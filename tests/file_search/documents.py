"""Build PDF, Word and PowerPoint files in tests, so no binary fixture is committed."""

from __future__ import annotations

import io
import zlib
from collections.abc import Sequence


def pdf_bytes(pages: Sequence[Sequence[str]]) -> bytes:
    """A PDF with one page per item, each line of text drawn in Helvetica."""
    objects: list[bytes] = [b"", b"", b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]
    kids = []
    for lines in pages:
        drawn = b" T* ".join(b"(" + _pdf_escape(line) + b") Tj" for line in lines)
        content = b"BT /F1 11 Tf 14 TL 72 740 Td " + drawn + b" ET"
        objects.append(_stream(b"", content))
        objects.append(_page(len(objects), b"/Font << /F1 3 0 R >>"))
        kids.append(len(objects))
    return _pdf(objects, kids)


def image_only_pdf() -> bytes:
    """A one-page PDF holding only a picture, as a scanned document does (no text at all)."""
    pixels = bytes(range(0, 256, 4)) * 64  # 64 x 64 grey gradient
    image = _stream(
        b"/Type /XObject /Subtype /Image /Width 64 /Height 64 /ColorSpace /DeviceGray "
        b"/BitsPerComponent 8 /Filter /FlateDecode",
        zlib.compress(pixels),
    )
    objects: list[bytes] = [b"", b"", image]
    objects.append(_stream(b"", b"q 300 0 0 300 72 400 cm /Im1 Do Q"))
    objects.append(_page(len(objects), b"/XObject << /Im1 3 0 R >>"))
    return _pdf(objects, [len(objects)])


def docx_bytes(paragraphs: Sequence[str], table: Sequence[Sequence[str]] = ()) -> bytes:
    """A Word document with these paragraphs and, after them, an optional table."""
    import docx

    document = docx.Document()
    for paragraph in paragraphs:
        document.add_paragraph(paragraph)
    if table:
        grid = document.add_table(rows=len(table), cols=len(table[0]))
        for row, values in zip(grid.rows, table, strict=True):
            for cell, value in zip(row.cells, values, strict=True):
                cell.text = value
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def pptx_bytes(slides: Sequence[tuple[str, str]], notes: str = "") -> bytes:
    """A presentation with one (title, body) slide per item; notes on the first slide."""
    import pptx

    presentation = pptx.Presentation()
    for number, (title, body) in enumerate(slides):
        slide = presentation.slides.add_slide(presentation.slide_layouts[1])
        slide.shapes.title.text = title
        slide.placeholders[1].text = body
        if notes and number == 0:
            slide.notes_slide.notes_text_frame.text = notes
    buffer = io.BytesIO()
    presentation.save(buffer)
    return buffer.getvalue()


def _pdf_escape(line: str) -> bytes:
    text = line.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
    return text.encode("latin-1")


def _stream(header: bytes, data: bytes) -> bytes:
    return (
        b"<< "
        + header
        + b" /Length "
        + str(len(data)).encode()
        + b" >>\nstream\n"
        + data
        + b"\nendstream"
    )


def _page(content_number: int, resources: bytes) -> bytes:
    return (
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << "
        + resources
        + b" >> /Contents "
        + str(content_number).encode()
        + b" 0 R >>"
    )


def _pdf(objects: list[bytes], kids: list[int]) -> bytes:
    """Objects 1 (catalog) and 2 (pages) are filled in here; ``kids`` are page numbers."""
    objects[0] = b"<< /Type /Catalog /Pages 2 0 R >>"
    refs = b" ".join(str(kid).encode() + b" 0 R" for kid in kids)
    objects[1] = b"<< /Type /Pages /Kids [" + refs + b"] /Count " + str(len(kids)).encode() + b" >>"
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += str(number).encode() + b" 0 obj\n" + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 " + str(len(objects) + 1).encode() + b"\n0000000000 65535 f \n"
    for offset in offsets:
        out += f"{offset:010d} 00000 n \n".encode()
    out += b"trailer\n<< /Size " + str(len(objects) + 1).encode() + b" /Root 1 0 R >>\n"
    out += b"startxref\n" + str(xref).encode() + b"\n%%EOF\n"
    return bytes(out)
