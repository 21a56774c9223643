"""The two Assistants tutorials' client code, unchanged, against `agentkit serve` on 127.0.0.1.

The code lives in examples/assistants_api/ (so users can run it); these tests run it with
strict response validation and check what it got back. A test also runs each example script.
"""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path
from types import ModuleType

from openai import AsyncOpenAI, AzureOpenAI, OpenAI

from agentkit.server import BackgroundServer
from tests.server.conftest import assistants_sdk

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples" / "assistants_api"


def load(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(f"example_{name}", EXAMPLES / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@assistants_sdk
def test_cookbook_math_tutor_runs_unchanged_and_pauses_for_display_quiz(
    sync_client: OpenAI,
) -> None:
    result = load("math_tutor_cookbook").tutorial(sync_client)

    assert [m.role for m in result["after_explain"].data] == ["assistant"]
    assert [run.status for run in result["concurrent"]] == ["completed"] * 4
    assert [(m.role, m.content[0].text.value) for m in result["thread3"].data] == [
        ("user", "I don't like math. What can I do?"),
        ("assistant", "You said: I don't like math. What can I do?"),
        ("user", "Thank you!"),
        ("assistant", "You said: Thank you!"),
    ]
    assert [step.type for step in result["steps"].data] == ["message_creation"]
    paused = result["paused"]
    assert paused.status == "requires_action"
    assert paused.required_action.submit_tool_outputs.tool_calls[0].function.name == "display_quiz"
    assert result["final"].status == "completed"
    answer = result["quiz_thread"].data[-1].content[0].text.value
    assert json.loads(answer) == {"display_quiz": ["a"]}


@assistants_sdk
def test_azure_tutorial_runs_unchanged_with_an_azure_client(
    live_server: BackgroundServer,
) -> None:
    client = AzureOpenAI(
        api_key="sk-alpha",
        api_version="2024-05-01-preview",
        azure_endpoint=f"http://{live_server.host}:{live_server.port}",
        max_retries=0,
        _strict_response_validation=True,
    )
    with client:
        result = load("azure_data_visualization").tutorial(client)

    assert result["status"] == "completed"
    assert result["assistant"].tools[0].type == "code_interpreter"
    assert [m.role for m in result["messages"].data] == ["assistant", "user"] * 2
    assert result["code"] == "You said: Show me the code you used to generate the sinewave"


@assistants_sdk
async def test_streaming_example_answers_the_tool_call_through_the_event_handler(
    live_server: BackgroundServer,
) -> None:
    module = load("streaming_quiz")
    async with AsyncOpenAI(
        api_key="sk-alpha",
        base_url=live_server.base_url,
        max_retries=0,
        _strict_response_validation=True,
    ) as client:
        assert await module.tutorial(client) == "completed"


def test_every_example_script_runs_on_its_own() -> None:
    env = {"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT)}
    outputs = {}
    for name in ("math_tutor_cookbook", "azure_data_visualization", "streaming_quiz"):
        result = subprocess.run(
            [sys.executable, str(EXAMPLES / f"{name}.py")],
            capture_output=True,
            text=True,
            timeout=120,
            env=env,
        )
        assert result.returncode == 0, result.stderr
        outputs[name] = result.stdout
    assert "Responses: ['a']" in outputs["math_tutor_cookbook"]
    assert "Status: completed" in outputs["azure_data_visualization"]
    assert outputs["streaming_quiz"].endswith("run: completed\n")
