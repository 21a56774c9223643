"""The two Assistants tutorials' client code, unchanged, against `agentkit serve` on 127.0.0.1.

The code lives in examples/assistants_api/ (so users can run it); these tests run it with
strict response validation and check what it got back. A test also runs each example script.
"""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest
from openai import AsyncOpenAI, AzureOpenAI, OpenAI

from agentkit.server import BackgroundServer, ServerConfig, upstream_model_factory
from tests.code_interpreter.conftest import kernels_available
from tests.code_interpreter.pngcheck import png_size
from tests.server.conftest import KEYS, assistants_sdk

__all__ = ["kernels_available"]  # a fixture these tests use

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples" / "assistants_api"


def load(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(f"example_{name}", EXAMPLES / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def scripted_server(
    request: pytest.FixtureRequest, db_path: str, kernels_available: None
) -> Iterator[BackgroundServer]:
    """``agentkit serve`` whose upstream is the example's scripted fake OpenAI server."""
    module = load(request.param)
    factory, _, _ = upstream_model_factory(
        base_url=None, api_key=None, client=module.scripted_upstream().client()
    )
    config = ServerConfig(model_factory=factory, db_path=db_path, api_keys=KEYS)
    with BackgroundServer(config) as server:
        yield server


@assistants_sdk
@pytest.mark.parametrize("scripted_server", ["math_tutor_cookbook"], indirect=True)
def test_cookbook_math_tutor_runs_unchanged_with_code_interpreter_steps_and_display_quiz(
    scripted_server: BackgroundServer,
) -> None:
    module = load("math_tutor_cookbook")
    with OpenAI(
        api_key="sk-alpha",
        base_url=scripted_server.base_url,
        max_retries=0,
        _strict_response_validation=True,
    ) as sync_client:
        result = module.tutorial(sync_client)

    assert [m.role for m in result["after_explain"].data] == ["assistant"]
    assert [run.status for run in result["concurrent"]] == ["completed"] * 4
    assert [(m.role, m.content[0].text.value) for m in result["thread3"].data] == [
        ("user", "I don't like math. What can I do?"),
        ("assistant", "You said: I don't like math. What can I do?"),
        ("user", "Thank you!"),
        ("assistant", "You said: Thank you!"),
    ]
    tool_step, message_step = result["steps"].data
    assert (tool_step.type, message_step.type) == ("tool_calls", "message_creation")
    (call,) = tool_step.step_details.tool_calls
    assert (call.type, call.code_interpreter.input) == ("code_interpreter", module.FIBONACCI)
    (logs,) = call.code_interpreter.outputs
    assert logs.type == "logs" and "2584,\n 4181]" in logs.logs
    paused = result["paused"]
    assert paused.status == "requires_action"
    assert paused.required_action.submit_tool_outputs.tool_calls[0].function.name == "display_quiz"
    assert result["final"].status == "completed"
    answer = result["quiz_thread"].data[-1].content[0].text.value
    assert answer == """Here is the feedback for your responses: ["I don't know.", "a"]"""


@assistants_sdk
@pytest.mark.parametrize("scripted_server", ["azure_data_visualization"], indirect=True)
def test_azure_tutorial_draws_its_charts_in_the_sandbox_and_downloads_them_as_pngs(
    scripted_server: BackgroundServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)  # the tutorial writes the images to the working directory
    module = load("azure_data_visualization")
    client = AzureOpenAI(
        api_key="sk-alpha",
        api_version="2024-05-01-preview",
        azure_endpoint=f"http://{scripted_server.host}:{scripted_server.port}",
        max_retries=0,
        _strict_response_validation=True,
    )
    with client:
        result = module.tutorial(client)
        messages = client.beta.threads.messages.list(result["thread_id"], order="asc")
        first_run = messages.data[1].run_id
        assert first_run is not None
        steps = client.beta.threads.runs.steps.list(first_run, thread_id=result["thread_id"])

    assert result["status"] == "completed"
    assert result["assistant"].tools[0].type == "code_interpreter"
    assert [m.role for m in messages.data] == ["user", "assistant"] * 3
    chart = messages.data[1].content
    assert [part.type for part in chart] == ["image_file", "text"]
    assert chart[0].image_file.file_id == result["images"][0]  # type: ignore[union-attr]
    assert result["code"].startswith("Certainly, here is the code I used:")
    tool_step = steps.data[-1]
    (call,) = tool_step.step_details.tool_calls  # type: ignore[union-attr]
    assert call.code_interpreter.input == module.SINE  # type: ignore[union-attr]
    outputs = call.code_interpreter.outputs  # type: ignore[union-attr]
    assert [output.type for output in outputs] == ["image"]
    assert outputs[0].image.file_id == result["images"][0]  # type: ignore[union-attr]
    sine, dark = (tmp_path / "sinewave.png").read_bytes(), (tmp_path / "dark_sine.png").read_bytes()
    assert png_size(sine)[0] > 100 and png_size(dark)[0] > 100
    assert sine != dark


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


def test_every_example_script_runs_on_its_own(kernels_available: None) -> None:
    env = {"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT)}
    names = ("math_tutor_cookbook", "azure_data_visualization", "streaming_quiz")
    # All at once: each mostly waits (polling, kernels starting).
    processes = {
        name: subprocess.Popen(
            [sys.executable, str(EXAMPLES / f"{name}.py")],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )
        for name in names
    }
    outputs = {}
    for name, process in processes.items():
        stdout, stderr = process.communicate(timeout=120)
        assert process.returncode == 0, stderr
        outputs[name] = stdout
    assert "Responses: [\"I don't know.\", 'a']" in outputs["math_tutor_cookbook"]
    assert "The first 20 Fibonacci numbers are: 0, 1, 1, 2," in outputs["math_tutor_cookbook"]
    assert "Status: completed" in outputs["azure_data_visualization"]
    assert outputs["azure_data_visualization"].count("\nfile-") == 2  # the two image ids
    assert outputs["streaming_quiz"].endswith("run: completed\n")
