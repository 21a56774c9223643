"""The README's main example: the cookbook's math tutor, offline."""

from __future__ import annotations

import importlib
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def test_math_tutor_prints_the_conversation_and_the_quiz_tool_call() -> None:
    env = {"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT)}
    result = subprocess.run(
        [sys.executable, str(ROOT / "examples" / "math_tutor.py")],
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
        check=True,
    )
    out = result.stdout
    assert "model: FunctionModel(offline_tutor)" in out
    assert "x = 1" in out
    assert "[tool] display_quiz(" in out
    assert '-> ["I don\'t know.","a"]' in out
    assert out.count(": completed,") == 2


@pytest.mark.parametrize("variable", ["OPENAI_API_KEY", "AZURE_OPENAI_ENDPOINT"])
def test_math_tutor_uses_the_configured_model_when_a_key_is_set(variable: str) -> None:
    sys.path.insert(0, str(ROOT / "examples"))
    try:
        math_tutor = importlib.import_module("math_tutor")
    finally:
        sys.path.pop(0)
    mp = pytest.MonkeyPatch()
    mp.setenv(variable, "https://example.invalid" if "ENDPOINT" in variable else "sk-test")
    mp.setenv("OPENAI_API_VERSION", "2025-04-01-preview")
    mp.setenv("AZURE_OPENAI_DEPLOYMENT", "gpt-test")
    mp.setenv("AZURE_OPENAI_API_KEY", "k")
    try:
        model = math_tutor.choose_model()
    finally:
        mp.undo()
    assert type(model).__name__ == "ResponsesModel"
