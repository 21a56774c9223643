from __future__ import annotations

import codecs
from pathlib import Path

import pytest

from agentkit.file_search import IngestError
from agentkit.file_search.extraction import extract_text
from tests.file_search.documents import docx_bytes, image_only_pdf, pdf_bytes, pptx_bytes


def text_of(filename: str, data: bytes | Path) -> str:
    return "".join(extract_text(filename, data))


def failure(filename: str, data: bytes | Path) -> IngestError:
    with pytest.raises(IngestError) as caught:
        text_of(filename, data)
    return caught.value


def test_plain_markdown_and_code_are_read_as_text() -> None:
    assert text_of("notes.txt", b"plain words\n") == "plain words\n"
    assert text_of("README.md", b"# Title\n\nBody") == "# Title\n\nBody"
    assert text_of("main.py", b"def f():\n    return 1\n") == "def f():\n    return 1\n"


def test_text_from_a_path_is_read_in_blocks(tmp_path: Path) -> None:
    path = tmp_path / "big.txt"
    path.write_bytes(("é" * 1_000_000).encode())  # a 2-byte character cut by each 1 MiB block

    assert text_of("big.txt", path) == "é" * 1_000_000


def test_utf16_with_a_bom_and_windows_1252_are_decoded() -> None:
    assert text_of("u16.txt", codecs.BOM_UTF16_LE + "héllo".encode("utf-16-le")) == "héllo"
    assert text_of("legacy.txt", "café – crème".encode("cp1252")) == "café – crème"


def test_html_keeps_visible_text_only() -> None:
    page = b"<html><head><title>T</title><style>p{}</style></head><body><p>One</p>"
    page += b"<script>var secret = 1;</script><p>Two &amp; three</p></body></html>"

    text = text_of("page.html", page)

    assert "One" in text and "Two & three" in text
    assert "secret" not in text and "p{}" not in text


def test_json_becomes_searchable_key_paths() -> None:
    data = b'{"service": {"timeout": 20, "regions": ["eu", "us"]}, "on": true}'

    assert text_of("config.json", data) == (
        "service.timeout: 20\nservice.regions[0]: eu\nservice.regions[1]: us\non: true\n"
    )


def test_pdf_pages_are_read_in_order() -> None:
    text = text_of("doc.pdf", pdf_bytes([["first page"], ["second (page)"]]))

    assert text.index("first page") < text.index("second (page)")


def test_docx_paragraphs_and_tables_are_read() -> None:
    text = text_of("doc.docx", docx_bytes(["Opening line"], [["key", "value"]]))

    assert text == "Opening line\nkey | value\n"


def test_pptx_slides_and_notes_are_read() -> None:
    text = text_of("deck.pptx", pptx_bytes([("Title", "Body")], notes="Speaker note"))

    assert "Slide 1" in text and "Title" in text and "Body" in text and "Speaker note" in text


@pytest.mark.parametrize(
    ("filename", "data", "code", "message"),
    [
        ("photo.png", b"\x89PNG....", "unsupported_file", "'.png' files are not supported"),
        ("old.doc", b"\xd0\xcf\x11\xe0", "unsupported_file", "save it as .docx"),
        ("Makefile", b"all:", "unsupported_file", "files without an extension"),
        ("empty.txt", b"", "invalid_file", "empty.txt is empty (0 bytes)"),
        ("blank.md", b" \n\t\n", "invalid_file", "blank.md has no text"),
        ("junk.txt", bytes(range(256)) * 64, "invalid_file", "binary data"),
        ("ctrl.txt", b"\x01\x02\x03\x04abc" * 100, "invalid_file", "binary data"),
        ("fake.pdf", b"hello, not a pdf", "invalid_file", "not a PDF"),
        ("broken.pdf", b"%PDF-1.7\n1 0 obj <<", "invalid_file", "could not be read as PDF"),
        ("fake.docx", b"plain text", "invalid_file", "not a Word document"),
        ("broken.pptx", b"PK\x03\x04broken zip", "invalid_file", "could not be read as PPTX"),
        ("bad.json", b'{"a": ', "invalid_file", "not valid JSON"),
    ],
)
def test_bad_files_fail_with_a_specific_message(
    filename: str, data: bytes, code: str, message: str
) -> None:
    error = failure(filename, data)

    assert (error.code, message in str(error)) == (code, True), str(error)


def test_an_image_only_pdf_says_it_has_no_text() -> None:
    error = failure("scan.pdf", image_only_pdf())

    assert error.code == "invalid_file"
    assert "scan.pdf has no text" in str(error) and "scanned image" in str(error)


def test_a_missing_path_says_the_content_is_gone(tmp_path: Path) -> None:
    error = failure("gone.txt", tmp_path / "nothing-here")

    assert "content is gone" in str(error)
