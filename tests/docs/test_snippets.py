"""Every ```python block in the docs and the README runs, offline, as written."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from agentkit.testing import FakeOpenAI, FakeReply, FakeRequest, FakeToolCall, value_for_schema
from tests.leak_watch import secret
from tests.sandbox import require_sandbox

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


# A snippet that starts with this comment uses a real model by name: it is run against a
# fake OpenAI server (through OPENAI_BASE_URL), and offline with its model replaced by "test",
# as the comment tells readers to.
NEEDS_KEY = "# Needs OPENAI_API_KEY"
KEY = secret("sk-docs-snippets-0123")


KERNEL = "from agentkit.code_interpreter import"
"""A snippet importing the code interpreter starts a sandboxed kernel: it needs bubblewrap."""


def snippets(page: Path) -> list[str]:
    return BLOCK.findall(page.read_text(encoding="utf-8"))


def _run(codes: list[str], tmp_path: Path, **extra: str) -> subprocess.CompletedProcess[str]:
    env = {"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT), "HOME": str(tmp_path), **extra}
    return subprocess.run(
        [sys.executable, "-c", RUNNER],
        input=json.dumps(codes),
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=env,
        timeout=300,
    )


@pytest.mark.parametrize("page", [p for p in PAGES if snippets(p)], ids=lambda p: p.name)
def test_every_python_snippet_runs(page: Path, tmp_path: Path) -> None:
    offline = [code for code in snippets(page) if not code.startswith(NEEDS_KEY)]
    if any(KERNEL in code for code in offline):
        require_sandbox()
    result = _run(offline, tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr


def _needing_keys() -> dict[str, list[str]]:
    """Each distinct snippet that needs a key, with the pages that show it."""
    found: dict[str, list[str]] = {}
    for page in PAGES:
        for code in snippets(page):
            if code.startswith(NEEDS_KEY):
                found.setdefault(code, []).append(page.name)
    return found


@pytest.mark.parametrize(
    "code", list(_needing_keys()), ids=lambda code: "+".join(_needing_keys()[code])
)
def test_a_snippet_with_a_model_by_name_runs_on_a_server_and_offline(
    code: str, tmp_path: Path
) -> None:
    fake = FakeOpenAI(_calls_each_tool_then_answers)
    offline = re.sub(r'model="[^"]+"', 'model="test"', code)
    assert offline != code, "the snippet names no model to replace"
    # One interpreter for both: the offline copy names the test model, whatever the environment.
    with fake.serve_in_thread() as url:
        result = _run([code, offline], tmp_path, OPENAI_BASE_URL=url, OPENAI_API_KEY=KEY)

    assert result.returncode == 0, result.stdout + result.stderr
    assert len(fake.requests) == 2, "the snippet did not call its tool and answer"
    assert fake.requests[0].headers["authorization"] == f"Bearer {KEY}"


def _calls_each_tool_then_answers(request: FakeRequest) -> FakeReply | str:
    """A model that calls every tool it is offered once, then reports what they returned."""
    if outputs := request.tool_outputs():
        return "Done: " + "; ".join(outputs.values())
    calls = [
        FakeToolCall(tool["name"], value_for_schema(tool.get("parameters") or {}))
        for tool in request.body.get("tools") or ()
    ]
    return FakeReply.calls(*calls) if calls else "Hello."
