"""The hosted-tool seam: calls recorded in their own shape, content and annotations for the answer.

A hosted tool here is a small fake (no kernel): what is tested is the loop's part.
"""

from __future__ import annotations

import json
from typing import Any

from agentkit import Agent
from agentkit.context import RunContext
from agentkit.events import HostedCallEvent, ToolCallFinishedEvent
from agentkit.exceptions import ToolExecutionError
from agentkit.models.function import FunctionInfo
from agentkit.models.request import ModelRequest
from agentkit.records import (
    CodeInterpreterCall,
    CodeInterpreterImage,
    CodeInterpreterImageOutput,
    CodeInterpreterLogs,
    FileCitation,
    FilePath,
    ImageFile,
    ImageFileContent,
    TextContent,
    ToolCallsStepDetails,
)
from agentkit.runner import Runner
from agentkit.stores import SQLiteStore
from agentkit.testing import FunctionModel, call_tool, text
from agentkit.tools.definition import ToolDefinition
from agentkit.tools.hosted import HostedResult, HostedTool, TextMarker

IMAGE = "file-imageimageimageimageima"
CSV = "file-csvcsvcsvcsvcsvcsvcsvcsv"
CITED = "file-citedcitedcitedcitedcit"


class FakeInterpreter(HostedTool):
    """Records ``code`` with one log line and an image; names a CSV and a citation."""

    def __init__(self, fail: bool = False) -> None:
        self.fail = fail
        self.runs = 0

    @property
    def definition(self) -> ToolDefinition:
        return ToolDefinition(
            name="code_interpreter",
            parameters={"type": "object", "properties": {"code": {"type": "string"}}},
        )

    def pending(self, arguments: str) -> CodeInterpreterCall:
        return CodeInterpreterCall(input=json.loads(arguments)["code"])

    async def run(self, arguments: str, ctx: RunContext[Any]) -> HostedResult:
        self.runs += 1
        call = self.pending(arguments).model_copy(
            update={
                "outputs": [
                    CodeInterpreterLogs(logs="42\n"),
                    CodeInterpreterImageOutput(image=CodeInterpreterImage(file_id=IMAGE)),
                ]
            }
        )
        error = (
            ToolExecutionError("kernel died", tool_name="code_interpreter", model_text="died")
            if self.fail
            else None
        )
        return HostedResult(
            "42 (and a chart)",
            call,
            content=(ImageFileContent(image_file=ImageFile(file_id=IMAGE)),),
            markers=(
                TextMarker("sandbox:/mnt/data/out.csv", FilePath(file_id=CSV)),
                TextMarker("【0†source】", FileCitation(file_id=CITED)),
            ),
            error=error,
        )


ANSWER = "See sandbox:/mnt/data/out.csv【0†source】 and sandbox:/mnt/data/out.csv."


def scripted(requests: list[ModelRequest]) -> FunctionModel:
    def turn(request: ModelRequest, info: FunctionInfo) -> Any:
        requests.append(request)
        if info.turn == 1:
            return call_tool("code_interpreter", {"code": "6 * 7"})
        return text(ANSWER)

    return FunctionModel(turn)


async def test_a_hosted_call_is_a_function_to_the_model_and_its_own_kind_in_the_step() -> None:
    seen: list[ModelRequest] = []
    agent = Agent(name="a", model=scripted(seen), tools=[FakeInterpreter()])
    result = await agent.run("compute")

    tool_step = result.steps[0]
    assert tool_step.wire()["step_details"] == {
        "type": "tool_calls",
        "tool_calls": [
            {
                "id": result.tool_calls[0].id,
                "type": "code_interpreter",
                "code_interpreter": {
                    "input": "6 * 7",
                    "outputs": [
                        {"type": "logs", "logs": "42\n"},
                        {"type": "image", "image": {"file_id": IMAGE}},
                    ],
                },
            }
        ],
    }
    assert result.tool_calls[0].function.output == "42 (and a chart)"
    assert [tool.name for tool in seen[0].tools] == ["code_interpreter"]
    assert getattr(seen[1].items[-1], "output", None) == "42 (and a chart)"


async def test_the_answer_gets_the_image_first_and_annotations_where_it_names_the_outputs() -> None:
    agent = Agent(name="a", model=scripted([]), tools=[FakeInterpreter()])
    result = await agent.run("compute")

    image, answer = result.messages[-1].content
    assert image == ImageFileContent(image_file=ImageFile(file_id=IMAGE))
    assert isinstance(answer, TextContent)
    spans = [
        (a.type, ANSWER[a.start_index : a.end_index], a.start_index)
        for a in answer.text.annotations
    ]
    first = ANSWER.index("sandbox")
    assert spans == [
        ("file_path", "sandbox:/mnt/data/out.csv", first),
        ("file_citation", "【0†source】", ANSWER.index("【")),
        ("file_path", "sandbox:/mnt/data/out.csv", ANSWER.rindex("sandbox")),
    ]
    assert result.output_text == ANSWER


async def test_the_outputs_event_comes_before_the_call_finishes() -> None:
    agent = Agent(name="a", model=scripted([]), tools=[FakeInterpreter()])
    result = await agent.run("compute", keep_events=True)
    kinds = [
        e.kind for e in result.events if isinstance(e, HostedCallEvent | ToolCallFinishedEvent)
    ]
    assert kinds == ["hosted_call", "tool_call.finished"]


async def test_a_failed_hosted_call_keeps_its_outputs_and_the_model_sees_the_error() -> None:
    agent = Agent(name="a", model=scripted([]), tools=[FakeInterpreter(fail=True)])
    result = await agent.run("compute")

    (call,) = result.tool_calls
    assert result.status == "completed"
    assert (call.function.output, call.error and call.error.code) == ("died", "tool_raised")
    assert isinstance(call.hosted, CodeInterpreterCall) and len(call.hosted.outputs) == 2


async def test_hosted_calls_run_in_manual_mode_and_their_content_survives_a_pause(
    tmp_path: Any,
) -> None:
    quiz = ToolDefinition(name="quiz", parameters={"type": "object", "properties": {}})

    def turn(request: ModelRequest, info: FunctionInfo) -> Any:
        if info.turn == 1:
            return [call_tool("code_interpreter", {"code": "1"}), call_tool("quiz", {})]
        return text(ANSWER)

    interpreter = FakeInterpreter()
    agent = Agent(name="a", model=FunctionModel(turn), tools=[interpreter, quiz])
    async with SQLiteStore(tmp_path / "s.db") as store:
        paused = await Runner(store).run(agent, "go", dispatch="manual")
        assert paused.status == "requires_action"
        assert [c.function.name for c in paused.pending_tool_calls] == ["quiz"]
        assert interpreter.runs == 1
        # Another runner (another process) resumes it: the image still reaches the answer.
        outputs = {paused.pending_tool_calls[0].id: "ok"}
        done = await Runner(store).submit_tool_outputs(agent, paused.run.id, outputs)
    assert done.status == "completed"
    assert done.messages[-1].image_file_ids == [IMAGE]
    step = done.steps[0]
    assert isinstance(step.step_details, ToolCallsStepDetails)
    assert [c.kind for c in step.step_details.tool_calls] == ["code_interpreter", "function"]
