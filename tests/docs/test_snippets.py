"""Every ```python block in the docs and the README runs, offline, as written."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PAGES = sorted([*ROOT.glob("docs/**/*.md"), ROOT / "README.md"])
BLOCK = re.compile(r"^```python[^\n]*\n(.*?)^```", re.MULTILINE | re.DOTALL)

# Runs each snippet of one page in a fresh namespace, in one interpreter; prints failures.
RUNNER = r"""
import json, sys, traceback
snippets = json.load(sys.stdin)
failures = []
for index, code in enumerate(snippets):
    try:
        exec(compile(code, f"<snippet {index + 1}>", "exec"), {"__name__": "__main__"})
    except BaseException:
        failures.append((index + 1, traceback.format_exc()))
for index, text in failures:
    print(f"--- snippet {index} failed ---\n{text}")
sys.exit(1 if failures else 0)
"""


def snippets(page: Path) -> list[str]:
    return BLOCK.findall(page.read_text(encoding="utf-8"))


@pytest.mark.parametrize("page", [p for p in PAGES if snippets(p)], ids=lambda p: p.name)
def test_every_python_snippet_runs(page: Path, tmp_path: Path) -> None:
    env = {"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT), "HOME": str(tmp_path)}
    result = subprocess.run(
        [sys.executable, "-c", RUNNER],
        input=json.dumps(snippets(page)),
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=env,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
