from __future__ import annotations

from typing import Any

import pytest

from agentkit.exceptions import ModelError, UserError
from agentkit.models import (
    AllowedTools,
    AssistantMessageItem,
    ModelResponseDone,
    ModelSettings,
    ModelTextDelta,
    ModelToolCall,
    NamedToolChoice,
    ResponsesModel,
    ToolCallItem,
    ToolChoice,
    ToolOutputItem,
    UserMessageItem,
)
from agentkit.testing import FakeOpenAI, FakeReply, FakeToolCall, RecordedReply
from agentkit.usage import Usage

from .streams import TIME, WEATHER, collect, make_request

TWO_CALLS = FakeReply.calls(
    FakeToolCall("get_weather", {"city": "Paris"}, call_id="call_a"),
    FakeToolCall("get_time", "{}", call_id="call_b"),
    input_tokens=20,
    output_tokens=7,
)

HISTORY = (
    UserMessageItem("Weather in Paris?"),
    ToolCallItem("call_a", "get_weather", '{"city": "Paris"}', response_id="resp_1"),
    ToolCallItem("call_b", "get_time", "{}", response_id="resp_1"),
    ToolOutputItem("call_a", "sunny"),
    ToolOutputItem("call_b", "noon"),
)


@pytest.mark.parametrize("stream", [True, False])
async def test_text_answer_streams_deltas_then_done(stream: bool) -> None:
    fake = FakeOpenAI([FakeReply(text="Sunny in Paris.", input_tokens=11, output_tokens=4)])
    model = ResponsesModel("gpt-test", client=fake.client(), stream=stream)

    events = await collect(model, make_request())

    text = "".join(e.text for e in events if isinstance(e, ModelTextDelta))
    assert text == "Sunny in Paris."
    assert events[-1] == ModelResponseDone("resp_1", "stop", Usage(1, 11, 4))
    assert sum(isinstance(e, ModelTextDelta) for e in events) == (2 if stream else 1)


@pytest.mark.parametrize("stream", [True, False])
async def test_parallel_tool_calls_arrive_in_order(stream: bool) -> None:
    fake = FakeOpenAI([TWO_CALLS])
    model = ResponsesModel("gpt-test", client=fake.client(), stream=stream)

    events = await collect(model, make_request(tools=(WEATHER, TIME)))

    assert events == [
        ModelToolCall("call_a", "get_weather", '{"city": "Paris"}'),
        ModelToolCall("call_b", "get_time", "{}"),
        ModelResponseDone("resp_1", "tool_calls", Usage(1, 20, 7)),
    ]


async def test_replay_sends_the_whole_history() -> None:
    fake = FakeOpenAI(["Sunny at noon."])
    model = ResponsesModel("gpt-test", client=fake.client())

    await collect(model, make_request(*HISTORY, tools=(WEATHER,), parallel_tool_calls=True))

    assert fake.bodies == [
        {
            "model": "gpt-test",
            "input": [
                {"role": "user", "content": "Weather in Paris?"},
                {
                    "type": "function_call",
                    "call_id": "call_a",
                    "name": "get_weather",
                    "arguments": '{"city": "Paris"}',
                },
                {
                    "type": "function_call",
                    "call_id": "call_b",
                    "name": "get_time",
                    "arguments": "{}",
                },
                {"type": "function_call_output", "call_id": "call_a", "output": "sunny"},
                {"type": "function_call_output", "call_id": "call_b", "output": "noon"},
            ],
            "instructions": "Be brief.",
            "tools": [
                {
                    "type": "function",
                    "name": "get_weather",
                    "description": "Weather in a city.",
                    "parameters": {
                        "type": "object",
                        "properties": {"city": {"type": "string"}},
                        "required": ["city"],
                        "additionalProperties": False,
                    },
                    "strict": True,
                }
            ],
            "tool_choice": "auto",
            "parallel_tool_calls": True,
            "stream": True,
        }
    ]


async def test_previous_response_id_sends_only_the_items_after_the_last_response() -> None:
    fake = FakeOpenAI(["Sunny at noon."])
    model = ResponsesModel(
        "gpt-test", client=fake.client(), continuation="previous_response_id", stream=False
    )

    await collect(model, make_request(*HISTORY))

    assert fake.bodies == [
        {
            "model": "gpt-test",
            "input": [
                {"type": "function_call_output", "call_id": "call_a", "output": "sunny"},
                {"type": "function_call_output", "call_id": "call_b", "output": "noon"},
            ],
            "instructions": "Be brief.",
            "previous_response_id": "resp_1",
            "stream": False,
        }
    ]


async def test_previous_response_id_continues_after_an_assistant_answer() -> None:
    fake = FakeOpenAI(["Fine."])
    model = ResponsesModel("gpt-test", client=fake.client(), continuation="previous_response_id")
    items = (
        UserMessageItem("Hi"),
        AssistantMessageItem("Hello!", response_id="resp_9"),
        UserMessageItem("How are you?"),
    )

    await collect(model, make_request(*items, instructions=None))

    assert fake.bodies[0]["previous_response_id"] == "resp_9"
    assert fake.bodies[0]["input"] == [{"role": "user", "content": "How are you?"}]
    assert "instructions" not in fake.bodies[0]


async def test_previous_response_id_replays_when_no_item_has_a_response_id() -> None:
    fake = FakeOpenAI(["Fine."])
    model = ResponsesModel("gpt-test", client=fake.client(), continuation="previous_response_id")
    items = (UserMessageItem("Hi"), AssistantMessageItem("Hello!"), UserMessageItem("And?"))

    await collect(model, make_request(*items))

    assert "previous_response_id" not in fake.bodies[0]
    assert fake.bodies[0]["input"] == [
        {"role": "user", "content": "Hi"},
        {"role": "assistant", "content": "Hello!"},
        {"role": "user", "content": "And?"},
    ]


@pytest.mark.parametrize(
    ("choice", "wire"),
    [
        ("auto", "auto"),
        ("none", "none"),
        ("required", "required"),
        (NamedToolChoice("get_weather"), {"type": "function", "name": "get_weather"}),
        (
            AllowedTools(("get_weather", "get_time"), mode="required"),
            {
                "type": "allowed_tools",
                "mode": "required",
                "tools": [
                    {"type": "function", "name": "get_weather"},
                    {"type": "function", "name": "get_time"},
                ],
            },
        ),
    ],
)
async def test_tool_choice_is_translated_to_the_responses_shape(
    choice: ToolChoice, wire: Any
) -> None:
    fake = FakeOpenAI(["ok"])
    model = ResponsesModel("gpt-test", client=fake.client())

    await collect(model, make_request(tools=(WEATHER, TIME), tool_choice=choice))

    assert fake.bodies[0]["tool_choice"] == wire


async def test_settings_and_store_are_sent() -> None:
    fake = FakeOpenAI(["ok"])
    model = ResponsesModel("gpt-test", client=fake.client(), store=False)
    settings = ModelSettings(
        temperature=0.2,
        top_p=0.9,
        max_output_tokens=100,
        reasoning_effort="low",
        extra_body={"metadata": {"k": "v"}},
    )

    await collect(model, make_request(settings=settings))

    body = fake.bodies[0]
    assert {k: body[k] for k in body if k not in ("model", "input", "instructions")} == {
        "store": False,
        "temperature": 0.2,
        "top_p": 0.9,
        "max_output_tokens": 100,
        "reasoning": {"effort": "low"},
        "metadata": {"k": "v"},
        "stream": True,
    }


@pytest.mark.parametrize("stream", [True, False])
@pytest.mark.parametrize(
    ("reason", "finish"), [("max_output_tokens", "length"), ("content_filter", "content_filter")]
)
async def test_incomplete_response_reports_finish_and_reason(
    stream: bool, reason: Any, finish: str
) -> None:
    fake = FakeOpenAI([FakeReply(text="Half an ans", incomplete=reason, output_tokens=3)])
    model = ResponsesModel("gpt-test", client=fake.client(), stream=stream)

    events = await collect(model, make_request())

    done = events[-1]
    assert isinstance(done, ModelResponseDone)
    assert (done.finish_reason, done.incomplete_reason) == (finish, reason)


async def test_error_event_in_the_stream_raises_model_error() -> None:
    fake = FakeOpenAI([FakeReply(text="x", stream_error=("server_error", "The model crashed."))])
    model = ResponsesModel("gpt-test", client=fake.client())

    with pytest.raises(ModelError) as info:
        await collect(model, make_request())

    assert (info.value.code, info.value.retryable, str(info.value)) == (
        "server_error",
        True,
        "The model crashed.",
    )


async def test_failed_event_without_its_response_raises_model_error() -> None:
    fake = FakeOpenAI([RecordedReply.events({"type": "response.failed"}, named=True)])
    model = ResponsesModel("gpt-test", client=fake.client(_strict_response_validation=False))

    with pytest.raises(ModelError) as info:
        await collect(model, make_request())

    assert (info.value.code, str(info.value)) == ("server_error", "response.failed")


async def test_stream_ending_before_completion_is_interrupted() -> None:
    fake = FakeOpenAI([FakeReply(text="Sunny in Paris.", cut_after=4)])
    model = ResponsesModel("gpt-test", client=fake.client())

    with pytest.raises(ModelError) as info:
        await collect(model, make_request())

    assert (info.value.code, info.value.retryable) == ("stream_interrupted", True)


async def test_surplus_calls_are_dropped_when_parallel_calls_are_off() -> None:
    fake = FakeOpenAI([TWO_CALLS])
    model = ResponsesModel("gpt-test", client=fake.client())

    events = await collect(model, make_request(tools=(WEATHER, TIME), parallel_tool_calls=False))

    assert [e.call_id for e in events if isinstance(e, ModelToolCall)] == ["call_a"]
    assert events[-1] == ModelResponseDone("resp_1", "tool_calls", Usage(1, 20, 7))


def test_previous_response_id_with_store_false_is_rejected() -> None:
    with pytest.raises(UserError, match="store=False"):
        ResponsesModel("gpt-test", continuation="previous_response_id", store=False)


def test_unknown_continuation_is_rejected() -> None:
    with pytest.raises(UserError, match="continuation"):
        ResponsesModel("gpt-test", continuation="threads")  # type: ignore[arg-type]


def test_construction_needs_no_api_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)

    model = ResponsesModel("gpt-test")

    assert (model.model_name, model.provider) == ("gpt-test", "openai")
