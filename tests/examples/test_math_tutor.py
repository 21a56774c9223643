"""The README's main example: the cookbook's math tutor, offline, and against a bad API."""

from __future__ import annotations

import asyncio
import importlib
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from agentkit.testing import FakeOpenAI, FakeReply

ROOT = Path(__file__).resolve().parents[2]
KEY = "sk-test-math-tutor-0123456789"


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


async def _tutor_against(base_url: str) -> tuple[int, str, str]:
    env = {"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT)}
    process = await asyncio.create_subprocess_exec(
        sys.executable, str(ROOT / "examples" / "math_tutor.py"),
        env={**env, "OPENAI_BASE_URL": base_url, "OPENAI_API_KEY": KEY},
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    out, err = await asyncio.wait_for(process.communicate(), timeout=60)
    assert process.returncode is not None
    return process.returncode, out.decode(), err.decode()


async def test_math_tutor_says_why_and_exits_1_when_the_api_is_unreachable() -> None:
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    code, out, err = await _tutor_against(f"http://127.0.0.1:{port}/v1")
    assert code == 1
    assert err == (
        "math_tutor: the run failed (connection_error: Could not reach the model API: "
        "Connection error. (ConnectError: All connection attempts failed))\n"
    )
    assert "assistant:" not in out and KEY not in out + err


async def test_math_tutor_says_why_and_exits_1_when_the_api_rejects_the_key() -> None:
    fake = FakeOpenAI(lambda request: FakeReply.error(401, "Incorrect API key provided."))
    async with fake.serve() as url:
        code, out, err = await _tutor_against(url)
    assert code == 1
    assert err.startswith("math_tutor: the run failed (authentication_error: ")
    assert "Incorrect API key provided." in err
    assert "assistant:" not in out and KEY not in out + err
    assert len(fake.requests) == 1  # a rejected key is not retried
