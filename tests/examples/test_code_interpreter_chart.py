"""The library code interpreter example: a chart and a linked file from sandboxed code."""

from __future__ import annotations

from tests.code_interpreter.conftest import kernels_available
from tests.examples.run_example import run_example

__all__ = ["kernels_available"]  # a fixture this test uses


def test_the_example_draws_a_chart_and_links_the_file_it_wrote(kernels_available: None) -> None:
    out = run_example("code_interpreter_chart.py")
    lines = out.splitlines()
    assert lines[0] == "code ran: code_interpreter"
    assert lines[1].startswith("chart: file-") and lines[1].endswith(" True")
    assert lines[2] == "answer: Total sales: 33. Shares: [shares.csv](sandbox:/mnt/data/shares.csv)"
    assert lines[3].startswith("  sandbox:/mnt/data/shares.csv -> shares.csv (")
