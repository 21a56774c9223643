"""The adapters send their requests past the SDK's request transform (a CPU saving): the
server must receive exactly the body the SDK would have sent."""

from __future__ import annotations

from typing import Any

import pytest

from agentkit.models import (
    AssistantMessageItem,
    ChatCompletionsModel,
    ModelSettings,
    ResponsesModel,
    ToolCallItem,
    ToolOutputItem,
    UserMessageItem,
)
from agentkit.models.chat_wire import chat_params
from agentkit.models.client import wire_body
from agentkit.models.responses_wire import responses_params
from agentkit.testing import FakeOpenAI

from .streams import TIME, WEATHER, collect, make_request

REQUEST = make_request(
    UserMessageItem("Weather in Paris?"),
    ToolCallItem("call_a", "get_weather", '{"city": "Paris"}'),
    ToolCallItem("call_b", "get_time", "{}"),
    ToolOutputItem("call_a", "sunny"),
    ToolOutputItem("call_b", "noon"),
    AssistantMessageItem("Sunny at noon."),
    UserMessageItem("And tomorrow? Ünïcode ✓"),
    tools=(WEATHER, TIME),
    tool_choice="required",
    parallel_tool_calls=False,
    settings=ModelSettings(temperature=0.5, extra_body={"metadata": {"k": "v"}}),
)


async def _send_through_the_sdk(fake: FakeOpenAI, api: str, params: dict[str, Any]) -> None:
    client = fake.client()
    create = client.responses.create if api == "responses" else client.chat.completions.create
    response: Any = await create(**params)
    if params.get("stream"):
        async with response:
            async for _ in response:
                pass


@pytest.mark.parametrize("stream", [True, False])
async def test_responses_body_is_what_the_sdk_would_send(stream: bool) -> None:
    fake = FakeOpenAI(["ok", "ok"])
    model = ResponsesModel("gpt-test", client=fake.client(), stream=stream, store=False)

    await collect(model, REQUEST)
    wire = responses_params(
        REQUEST, model_name="gpt-test", continuation=model.continuation, store=False
    )
    await _send_through_the_sdk(fake, "responses", {**wire, "stream": stream})

    assert fake.bodies[0]["input"] == fake.bodies[1]["input"]  # a readable diff first
    assert fake.bodies[0] == fake.bodies[1]


@pytest.mark.parametrize("stream", [True, False])
async def test_chat_body_is_what_the_sdk_would_send(stream: bool) -> None:
    fake = FakeOpenAI(["ok", "ok"])
    model = ChatCompletionsModel("gpt-test", client=fake.client(), stream=stream)

    await collect(model, REQUEST)
    wire = chat_params(REQUEST, model_name="gpt-test", max_tokens_param=model.max_tokens_param)
    if stream:
        wire["stream_options"] = {"include_usage": True}
    await _send_through_the_sdk(fake, "chat", {**wire, "stream": stream})

    assert fake.bodies[0]["messages"] == fake.bodies[1]["messages"]
    assert fake.bodies[0] == fake.bodies[1]


def test_fields_the_caller_put_in_extra_body_win() -> None:
    params = {"model": "m", "input": ["built"], "extra_body": {"input": ["mine"], "x": 1}}

    assert wire_body(params) == {"model": "m", "input": ["mine"], "x": 1}


def test_without_extra_body_the_body_is_the_params() -> None:
    params: dict[str, Any] = {"model": "m", "input": [{"role": "user", "content": "hi"}]}

    assert wire_body(params) == params
