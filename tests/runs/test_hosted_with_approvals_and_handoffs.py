"""Hosted calls beside approvals and handoffs: their content survives the pause and the handoff.

The hosted tool is the seam's fake (`FakeInterpreter`); the runs live in a SQLite file where
a run pauses, and a second runner decides, as another process would.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from agentkit import Agent, Runner, tool
from agentkit.models.function import FunctionInfo
from agentkit.models.request import ModelRequest
from agentkit.records import ImageFile, ImageFileContent, TextContent
from agentkit.stores import SQLiteStore
from agentkit.testing import FunctionModel, ModelTurn, call_tool, text

from .test_hosted_tools import ANSWER, CSV, IMAGE, FakeInterpreter

RAN: list[str] = []


@tool(needs_approval=True)
def publish(title: str) -> str:
    """Publish the chart."""
    RAN.append(title)
    return f"published {title}"


def chart_then_publish(request: ModelRequest, info: FunctionInfo) -> Any:
    if info.turn == 1:
        return ModelTurn(
            tool_calls=(
                call_tool("code_interpreter", {"code": "plot()"}, call_id="call_code"),
                call_tool("publish", {"title": "Sales"}, call_id="call_publish"),
            )
        )
    return text(ANSWER)


def annotated_paths(answer: TextContent) -> list[tuple[str, str]]:
    return [
        (a.type, answer.text.value[a.start_index : a.end_index]) for a in answer.text.annotations
    ]


async def test_a_hosted_calls_image_waits_through_an_approval_pause_in_another_runner(
    tmp_path: Path,
) -> None:
    RAN.clear()
    interpreter = FakeInterpreter()

    def agent() -> Agent[None]:
        return Agent(
            name="analyst",
            model=FunctionModel(chart_then_publish),
            tools=[interpreter, publish],
        )

    async with Runner(SQLiteStore(tmp_path / "runs.db")) as first:
        paused = await first.run(agent(), "Chart the sales and publish it")
    assert paused.run.required_action is not None
    assert paused.run.required_action.type == "submit_tool_approval"
    assert [c.id for c in paused.pending_approvals] == ["call_publish"]
    assert interpreter.runs == 1  # the hosted call ran before the pause
    assert paused.messages == []

    async with Runner(SQLiteStore(tmp_path / "runs.db")) as second:
        result = await second.submit_tool_approvals(agent(), paused.run.id, {"call_publish": True})

    assert result.status == "completed"
    assert interpreter.runs == 1
    assert RAN == ["Sales"]
    image, answer = result.messages[-1].content
    assert image == ImageFileContent(image_file=ImageFile(file_id=IMAGE))
    assert isinstance(answer, TextContent)
    assert ("file_path", "sandbox:/mnt/data/out.csv") in annotated_paths(answer)
    assert answer.text.annotations[0].type == "file_path"
    code_call = next(c for c in result.tool_calls if c.id == "call_code")
    assert code_call.wire()["type"] == "code_interpreter"
    assert code_call.wire()["code_interpreter"]["outputs"][1]["image"]["file_id"] == IMAGE


async def test_after_a_handoff_the_other_agents_hosted_call_goes_into_its_message() -> None:
    interpreter = FakeInterpreter()

    def analyst_turn(request: ModelRequest, info: FunctionInfo) -> Any:
        # The run's turns go on counting across the handoff: the analyst's first is turn 2.
        if interpreter.runs == 0:
            return call_tool("code_interpreter", {"code": "plot()"})
        return text(ANSWER)

    analyst = Agent(
        name="analyst", model=FunctionModel(analyst_turn), tools=[interpreter], description="Data."
    )
    triage = Agent(
        name="triage",
        model=FunctionModel(lambda request, info: call_tool("transfer_to_analyst", {})),
        handoffs=[analyst],
    )

    result = await Runner().run(triage, "Chart the sales")

    assert result.status == "completed"
    assert interpreter.runs == 1
    [message] = result.messages
    assert message.assistant_id == analyst.id
    image, answer = message.content
    assert image == ImageFileContent(image_file=ImageFile(file_id=IMAGE))
    assert isinstance(answer, TextContent)
    assert [a.file_path.file_id for a in answer.text.annotations if a.type == "file_path"] == [
        CSV,
        CSV,
    ]
    kinds = [(c.function.name, c.kind) for c in result.tool_calls]
    assert kinds == [("transfer_to_analyst", "function"), ("code_interpreter", "code_interpreter")]
