"""Every snippet of docs/middleware.md and the middleware examples run offline."""

from __future__ import annotations

import asyncio
import re
import runpy
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DOC = ROOT / "docs" / "middleware.md"
SNIPPETS = re.findall(r"```python\n(.*?)```", DOC.read_text(), flags=re.DOTALL)
EXAMPLES = ["middleware_custom.py", "retries_and_tracing.py"]


def test_the_page_has_a_snippet_per_built_in() -> None:
    assert len(SNIPPETS) == 9  # one per built-in, and the log masking setup


@pytest.mark.parametrize("snippet", SNIPPETS, ids=[f"snippet{i}" for i in range(len(SNIPPETS))])
def test_docs_snippet_runs(snippet: str, capsys: pytest.CaptureFixture[str]) -> None:
    exec(compile(snippet, str(DOC), "exec"), {"__name__": "__docs__"})
    assert capsys.readouterr().out


def test_custom_middleware_example_counts_and_times(capsys: pytest.CaptureFixture[str]) -> None:
    namespace = runpy.run_path(str(ROOT / "examples" / "middleware_custom.py"))
    asyncio.run(namespace["main"]())
    lines = capsys.readouterr().out.splitlines()
    # One tool call timed, the answer built from its output, and both model calls counted.
    assert len(lines) == 3
    assert re.fullmatch(r"tool get_weather took \d+\.\d ms", lines[0])
    assert lines[1:] == ['{"get_weather": "sunny in example"}', "2 model calls"]


def test_retries_example_shows_each_word_once(capsys: pytest.CaptureFixture[str]) -> None:
    namespace = runpy.run_path(str(ROOT / "examples" / "retries_and_tracing.py"))
    asyncio.run(namespace["main"]())
    out = capsys.readouterr().out
    assert out.count("content, and sometimes") == 1
    assert "4 requests reached the server" in out
