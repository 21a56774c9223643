from __future__ import annotations

import pytest

from agentkit.exceptions import UserError
from agentkit.models import (
    ModelRequest,
    ModelResponseDone,
    ModelTextDelta,
    ModelToolCall,
    ToolCallItem,
    UserMessageItem,
)
from agentkit.models.function import TurnResult
from agentkit.testing import FunctionInfo, FunctionModel, ModelTurn, call_tool, text
from agentkit.tools.definition import ToolDefinition
from agentkit.usage import Usage

REQUEST = ModelRequest(
    instructions=None,
    items=(UserMessageItem("hi"),),
    tools=(ToolDefinition("add"),),
    run_id="run_1",
    turn=2,
)


async def events_of(model: FunctionModel, request: ModelRequest = REQUEST) -> list[object]:
    return [event async for event in model.stream(request)]


async def test_text_reply_streams_and_stops() -> None:
    events = await events_of(FunctionModel(lambda request, info: "Hello world"))

    assert "".join(e.text for e in events if isinstance(e, ModelTextDelta)) == "Hello world"
    assert events[-1] == ModelResponseDone("resp_fn_run_1_2", "stop", Usage(1, 0, 2))


async def test_tool_calls_get_numbered_ids_after_those_in_the_history() -> None:
    request = ModelRequest(
        instructions=None,
        items=(UserMessageItem("hi"), ToolCallItem("x", "add", "{}")),
    )
    model = FunctionModel(
        lambda r, i: [call_tool("add", {"a": 1}), call_tool("add", "{bad", "mine")]
    )

    events = await events_of(model, request)

    assert events[:2] == [
        ModelToolCall("call_fn_2", "add", '{"a": 1}'),
        ModelToolCall("mine", "add", "{bad"),
    ]
    assert isinstance(events[2], ModelResponseDone) and events[2].finish_reason == "tool_calls"


async def test_async_function_receives_request_and_info() -> None:
    seen: list[FunctionInfo] = []

    async def decide(request: ModelRequest, info: FunctionInfo) -> TurnResult:
        seen.append(info)
        return text("a", "b")

    model = FunctionModel(decide)
    await events_of(model)
    await events_of(model)

    assert [(i.turn, list(i.tools), i.calls_so_far) for i in seen] == [
        (2, ["add"], 0),
        (2, ["add"], 1),
    ]


async def test_text_and_calls_mix_in_one_turn() -> None:
    model = FunctionModel(lambda r, i: ["Let me add. ", call_tool("add")])

    events = await events_of(model)

    assert [type(e).__name__ for e in events] == [
        "ModelTextDelta",
        "ModelTextDelta",
        "ModelToolCall",
        "ModelResponseDone",
    ]


async def test_model_turn_can_end_incomplete() -> None:
    turn = ModelTurn(text="Hal", finish_reason="length", incomplete_reason="max_output_tokens")

    events = await events_of(FunctionModel(lambda r, i: turn))

    done = events[-1]
    assert isinstance(done, ModelResponseDone)
    assert (done.finish_reason, done.incomplete_reason) == ("length", "max_output_tokens")


async def test_unsupported_return_value_is_a_user_error() -> None:
    with pytest.raises(UserError, match="int"):
        await events_of(FunctionModel(lambda r, i: 42))  # type: ignore[arg-type,return-value]
