"""The vision example: images by URL and as bytes reach the model, and stay in the thread."""

from __future__ import annotations

import importlib
import sys
import zlib

from .run_example import EXAMPLES, run_example


def test_the_example_shows_both_images_on_both_turns() -> None:
    out = run_example("vision.py")

    assert out.splitlines() == [
        "assistant: I can see 2 images (a URL, inline bytes).",
        "assistant: I can see 2 images (a URL, inline bytes).",
    ]


def test_the_red_square_is_a_valid_png() -> None:
    sys.path.insert(0, str(EXAMPLES))
    try:
        vision = importlib.import_module("vision")
    finally:
        sys.path.remove(str(EXAMPLES))

    png = vision.red_square(4)

    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    idat = png.index(b"IDAT")
    length = int.from_bytes(png[idat - 4 : idat], "big")
    assert zlib.decompress(png[idat + 4 : idat + 4 + length]) == (b"\x00" + b"\xff\x00\x00" * 4) * 4
