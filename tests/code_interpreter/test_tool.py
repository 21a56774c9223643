"""`CodeInterpreter`, the tool, on real kernels: files in and out, images, bounds, errors."""

from __future__ import annotations

import json
from typing import Any

import pytest

from agentkit import Agent
from agentkit.code_interpreter import CodeInterpreter, KernelPool
from agentkit.code_interpreter.tool import DEFINITION
from agentkit.files import Files
from agentkit.models.function import FunctionInfo
from agentkit.models.request import ModelRequest
from agentkit.records import (
    CodeInterpreterImageOutput,
    CodeInterpreterLogs,
    Message,
    Text,
    TextContent,
    Thread,
)
from agentkit.runner import Runner
from agentkit.runs.result import RunResult
from agentkit.stores import MemoryStore
from agentkit.testing import FunctionModel, call_tool, text
from tests.code_interpreter.pngcheck import png_size

pytestmark = [
    pytest.mark.asyncio(loop_scope="package"),
    pytest.mark.usefixtures("kernels_available"),
]


def runs_code(*codes: str, answer: str = "Done.") -> FunctionModel:
    """A model that calls code_interpreter with each of ``codes`` in turn, then answers."""

    def turn(request: ModelRequest, info: FunctionInfo) -> Any:
        if info.turn <= len(codes):
            return call_tool("code_interpreter", {"code": codes[info.turn - 1]})
        return text(answer)

    return FunctionModel(turn)


async def run(
    pool: KernelPool, *codes: str, answer: str = "Done.", **options: Any
) -> tuple[RunResult, Files]:
    store = MemoryStore()
    files = Files(store)
    interpreter = CodeInterpreter(files=files, pool=pool, **options)
    agent = Agent(name="t", model=runs_code(*codes, answer=answer), tools=[interpreter])
    result = await Runner(store).run(agent, "go")
    await interpreter.end_session(result.thread_id)
    return result, files


async def test_a_chart_becomes_an_output_file_an_image_output_and_an_image_part(
    pool: KernelPool,
) -> None:
    code = "import matplotlib.pyplot as plt\nplt.plot([1, 3, 2])\nplt.show()\nprint('drawn')"
    result, files = await run(pool, code)

    (call,) = result.tool_calls
    assert call.hosted is not None
    logs, image = call.hosted.outputs
    assert isinstance(logs, CodeInterpreterLogs) and logs.logs == "drawn\n"
    assert isinstance(image, CodeInterpreterImageOutput)
    file_id = image.image.file_id
    assert result.messages[-1].image_file_ids == [file_id]
    stored = await files.get(file_id)
    assert (stored.purpose, stored.filename) == ("assistants_output", "figure-1.png")
    assert png_size(await files.read(file_id))[0] > 100
    assert "A figure was displayed to the user." in (call.function.output or "")


async def test_a_written_file_is_linked_by_a_file_path_annotation(pool: KernelPool) -> None:
    code = "open('/mnt/data/totals.csv', 'w').write('month,total\\n1,10\\n')"
    answer = "Download [totals](sandbox:/mnt/data/totals.csv)."
    result, files = await run(pool, code, answer=answer)

    (part,) = result.messages[-1].content
    assert isinstance(part, TextContent)
    (annotation,) = part.text.annotations
    assert annotation.type == "file_path"
    assert answer[annotation.start_index : annotation.end_index] == "sandbox:/mnt/data/totals.csv"
    file_id = annotation.file_path.file_id
    assert await files.read(file_id) == b"month,total\n1,10\n"
    assert "link it as sandbox:/mnt/data/totals.csv" in (result.tool_calls[0].function.output or "")


async def test_the_threads_and_the_assistants_files_are_in_mnt_data(pool: KernelPool) -> None:
    store = MemoryStore()
    files = Files(store)
    own = await files.add(b"assistant", filename="own.txt")
    shared = await files.add(b"thread", filename="../shared.txt")
    attached = await files.add(b"attached", filename="attached.txt")
    other_tool = await files.add(b"not for code", filename="search.txt")
    resources = {"code_interpreter": {"file_ids": [shared.id]}}
    thread = await store.create_thread(Thread(tool_resources=resources))
    message = Message(
        thread_id=thread.id,
        role="user",
        content=[TextContent(text=Text(value="read them"))],
        attachments=[
            {"file_id": attached.id, "tools": [{"type": "code_interpreter"}]},
            {"file_id": other_tool.id, "tools": [{"type": "file_search"}]},
        ],
    )
    await store.add_message(message)
    code = "import os\nprint(sorted(os.listdir('/mnt/data')), open('shared.txt').read())"
    interpreter = CodeInterpreter(files=files, pool=pool, file_ids=[own.id, "file-missing"])
    agent = Agent(name="t", model=runs_code(code), tools=[interpreter])
    result = await Runner(store).run(agent, None, thread=thread)
    await interpreter.end_session(thread.id)

    output = result.tool_calls[0].function.output or ""
    assert "['attached.txt', 'own.txt', 'shared.txt'] thread" in output
    assert "Input file file-missing was not found" in output


async def test_code_that_raises_shows_its_traceback_and_the_run_goes_on(pool: KernelPool) -> None:
    result, _ = await run(pool, "1 / 0", "print('still here')")

    first, second = result.tool_calls
    assert result.status == "completed"
    assert "ZeroDivisionError" in (first.function.output or "") and first.error is None
    assert (second.function.output or "").startswith("still here")


async def test_a_timeout_is_a_tool_error_the_kernel_restarts_and_the_run_goes_on(
    pool: KernelPool,
) -> None:
    result, _ = await run(
        pool, "x = 1\nimport time\ntime.sleep(30)", "print('x' in dir())", time_limit=1.5
    )

    first, second = result.tool_calls
    assert result.status == "completed"
    assert first.error is not None and first.error.code == "tool_raised"
    assert "kernel was restarted" in (first.function.output or "")
    assert (second.function.output or "").startswith("False")
    assert "A new kernel was started" in (second.function.output or "")


async def test_the_model_sees_the_output_cut_to_its_bound_and_the_step_keeps_more(
    pool: KernelPool,
) -> None:
    result, _ = await run(pool, "print('a' * 15000 + 'END')", max_output_chars=1000)

    (call,) = result.tool_calls
    assert call.hosted is not None
    seen = call.function.output or ""
    assert len(seen) < 1100 and "characters truncated" in seen and seen.rstrip().endswith("END")
    logs = call.hosted.outputs[0]
    assert isinstance(logs, CodeInterpreterLogs) and len(logs.logs) > 15000


async def test_arguments_that_are_not_code_are_a_clear_tool_error(pool: KernelPool) -> None:
    store = MemoryStore()
    interpreter = CodeInterpreter(files=Files(store), pool=pool)
    agent = Agent(
        name="t",
        model=FunctionModel(
            lambda request, info: (
                call_tool("code_interpreter", "print(1)") if info.turn == 1 else text("ok")
            )
        ),
        tools=[interpreter],
    )
    result = await Runner(store).run(agent, "go")
    (call,) = result.tool_calls
    assert call.error is not None and call.error.code == "invalid_json"
    assert call.hosted is not None and call.hosted.input == "print(1)"
    assert json.loads(json.dumps(call.wire()))["type"] == "code_interpreter"


async def test_the_model_sees_one_required_string_parameter_named_code() -> None:
    assert DEFINITION.name == "code_interpreter"
    assert DEFINITION.parameters["required"] == ["code"]
    assert DEFINITION.parameters["properties"]["code"]["type"] == "string"
    assert DEFINITION.to_responses()["strict"] is True
