"""The library file search example: a vector store, a search, and a cited answer."""

from __future__ import annotations

from tests.examples.run_example import run_example


def test_the_example_searches_the_handbook_and_cites_the_refund_policy() -> None:
    lines = run_example("file_search_handbook.py").splitlines()

    assert lines[0] == "store: completed 3 files"
    assert lines[1].startswith("  shipping.html: ")  # the only file about parcels
    assert lines[2] == (
        "answer: You can return an item within 30 days for a full refund【0:0†refunds.md】."
    )
    assert lines[3] == "  【0:0†refunds.md】 -> refunds.md, chunk 0:"
    assert "Items can be returned within 30 days" in lines[4]
