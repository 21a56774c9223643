from __future__ import annotations

import asyncio
import dataclasses
import json
from typing import Any

import httpx2
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openai import AsyncOpenAI

from agentkit.exceptions import ModelError
from agentkit.models import (
    AllowedTools,
    AssistantMessageItem,
    ChatCompletionsModel,
    ModelResponseDone,
    ModelSettings,
    ModelTextDelta,
    ModelToolCall,
    NamedToolChoice,
    ToolCallItem,
    ToolChoice,
    ToolOutputItem,
    UserMessageItem,
)
from agentkit.testing import FakeOpenAI, FakeReply, FakeToolCall
from agentkit.usage import Usage

from .streams import TIME, WEATHER, collect, make_request

TWO_CALLS = FakeReply.calls(
    FakeToolCall("get_weather", {"city": "Paris"}, call_id="call_a"),
    FakeToolCall("get_time", "{}", call_id="call_b"),
    input_tokens=20,
    output_tokens=7,
    chunk_size=4,
)


def sse_client(*chunks: dict[str, Any]) -> AsyncOpenAI:
    """A client whose server streams exactly these chunks (for server quirks FakeOpenAI lacks)."""
    base = {"id": "chatcmpl_q", "object": "chat.completion.chunk", "created": 1, "model": "m"}
    body = "".join(f"data: {json.dumps({**base, **c})}\n\n" for c in chunks) + "data: [DONE]\n\n"

    def handler(request: httpx2.Request) -> httpx2.Response:
        return httpx2.Response(200, text=body, headers={"content-type": "text/event-stream"})

    return AsyncOpenAI(
        base_url="http://quirky/v1",
        api_key="test",
        max_retries=0,
        _strict_response_validation=True,
        http_client=httpx2.AsyncClient(transport=httpx2.MockTransport(handler)),
    )


def delta(finish: str | None = None, **fields: Any) -> dict[str, Any]:
    return {"choices": [{"index": 0, "delta": fields, "finish_reason": finish}]}


@pytest.mark.parametrize("stream", [True, False])
async def test_text_answer_streams_deltas_then_done(stream: bool) -> None:
    fake = FakeOpenAI([FakeReply(text="Sunny in Paris.", input_tokens=11, output_tokens=4)])
    model = ChatCompletionsModel("gpt-test", client=fake.client(), stream=stream)

    events = await collect(model, make_request())

    assert "".join(e.text for e in events if isinstance(e, ModelTextDelta)) == "Sunny in Paris."
    assert events[-1] == ModelResponseDone("chatcmpl_1", "stop", Usage(1, 11, 4))


@pytest.mark.parametrize("stream", [True, False])
async def test_parallel_tool_calls_are_joined_from_fragments(stream: bool) -> None:
    fake = FakeOpenAI([TWO_CALLS])
    model = ChatCompletionsModel("gpt-test", client=fake.client(), stream=stream)

    events = await collect(model, make_request(tools=(WEATHER, TIME)))

    assert events == [
        ModelToolCall("call_a", "get_weather", '{"city": "Paris"}'),
        ModelToolCall("call_b", "get_time", "{}"),
        ModelResponseDone("chatcmpl_1", "tool_calls", Usage(1, 20, 7)),
    ]


async def test_messages_group_calls_and_answer_each_with_a_tool_message() -> None:
    fake = FakeOpenAI(["Sunny at noon."])
    model = ChatCompletionsModel("gpt-test", client=fake.client())
    items = (
        UserMessageItem("Weather in Paris?"),
        AssistantMessageItem("Let me look.", response_id="chatcmpl_1"),
        ToolCallItem("call_a", "get_weather", '{"city": "Paris"}', response_id="chatcmpl_1"),
        ToolCallItem("call_b", "get_time", "{}", response_id="chatcmpl_1"),
        ToolOutputItem("call_a", "sunny"),
        ToolOutputItem("call_b", "noon"),
        ToolCallItem("call_c", "get_time", "{}", response_id="chatcmpl_2"),
        ToolOutputItem("call_c", "12:01"),
    )

    await collect(model, make_request(*items, tools=(TIME,), parallel_tool_calls=True))

    assert fake.bodies == [
        {
            "model": "gpt-test",
            "messages": [
                {"role": "system", "content": "Be brief."},
                {"role": "user", "content": "Weather in Paris?"},
                {
                    "role": "assistant",
                    "content": "Let me look.",
                    "tool_calls": [
                        {
                            "id": "call_a",
                            "type": "function",
                            "function": {"name": "get_weather", "arguments": '{"city": "Paris"}'},
                        },
                        {
                            "id": "call_b",
                            "type": "function",
                            "function": {"name": "get_time", "arguments": "{}"},
                        },
                    ],
                },
                {"role": "tool", "tool_call_id": "call_a", "content": "sunny"},
                {"role": "tool", "tool_call_id": "call_b", "content": "noon"},
                {
                    "role": "assistant",
                    "content": None,
                    "tool_calls": [
                        {
                            "id": "call_c",
                            "type": "function",
                            "function": {"name": "get_time", "arguments": "{}"},
                        }
                    ],
                },
                {"role": "tool", "tool_call_id": "call_c", "content": "12:01"},
            ],
            "tools": [
                {
                    "type": "function",
                    "function": {
                        "name": "get_time",
                        "parameters": {"type": "object", "properties": {}},
                        "strict": False,
                    },
                }
            ],
            "tool_choice": "auto",
            "parallel_tool_calls": True,
            "stream": True,
            "stream_options": {"include_usage": True},
        }
    ]


@pytest.mark.parametrize(
    ("choice", "wire"),
    [
        ("auto", "auto"),
        ("none", "none"),
        ("required", "required"),
        (
            NamedToolChoice("get_weather"),
            {"type": "function", "function": {"name": "get_weather"}},
        ),
        (
            AllowedTools(("get_weather", "get_time")),
            {
                "type": "allowed_tools",
                "allowed_tools": {
                    "mode": "auto",
                    "tools": [
                        {"type": "function", "function": {"name": "get_weather"}},
                        {"type": "function", "function": {"name": "get_time"}},
                    ],
                },
            },
        ),
    ],
)
async def test_tool_choice_is_translated_to_the_chat_shape(choice: ToolChoice, wire: Any) -> None:
    fake = FakeOpenAI(["ok"])
    model = ChatCompletionsModel("gpt-test", client=fake.client())

    await collect(model, make_request(tools=(WEATHER, TIME), tool_choice=choice))

    assert fake.bodies[0]["tool_choice"] == wire


async def test_parallel_tool_calls_is_not_sent_without_tools() -> None:
    fake = FakeOpenAI(["ok"])
    model = ChatCompletionsModel("gpt-test", client=fake.client(), stream=False)

    await collect(model, make_request(parallel_tool_calls=False))

    assert fake.bodies == [
        {
            "model": "gpt-test",
            "messages": [
                {"role": "system", "content": "Be brief."},
                {"role": "user", "content": "Weather in Paris?"},
            ],
            "stream": False,
        }
    ]


@pytest.mark.parametrize("param", ["max_completion_tokens", "max_tokens"])
async def test_max_output_tokens_goes_in_the_configured_field(param: Any) -> None:
    fake = FakeOpenAI(["ok"])
    model = ChatCompletionsModel(
        "gpt-test", client=fake.client(), include_usage=False, max_tokens_param=param
    )
    settings = ModelSettings(temperature=0, max_output_tokens=50, reasoning_effort="high")

    await collect(model, make_request(settings=settings))

    body = fake.bodies[0]
    assert {k: body[k] for k in body if k not in ("model", "messages")} == {
        "temperature": 0,
        param: 50,
        "reasoning_effort": "high",
        "stream": True,
    }


@pytest.mark.parametrize("stream", [True, False])
async def test_length_finish_reports_max_output_tokens(stream: bool) -> None:
    fake = FakeOpenAI([FakeReply(text="Half", incomplete="max_output_tokens")])
    model = ChatCompletionsModel("gpt-test", client=fake.client(), stream=stream)

    events = await collect(model, make_request())

    done = events[-1]
    assert isinstance(done, ModelResponseDone)
    assert (done.finish_reason, done.incomplete_reason) == ("length", "max_output_tokens")


async def test_calls_without_ids_get_synthesized_ids() -> None:
    fake = FakeOpenAI([dataclasses.replace(TWO_CALLS, omit_call_ids=True)])
    model = ChatCompletionsModel("gpt-test", client=fake.client())

    events = await collect(model, make_request(tools=(WEATHER, TIME)))

    calls = [e for e in events if isinstance(e, ModelToolCall)]
    assert [(c.name, c.arguments) for c in calls] == [
        ("get_weather", '{"city": "Paris"}'),
        ("get_time", "{}"),
    ]
    assert all(c.call_id.startswith("call_") and len(c.call_id) == 29 for c in calls)
    assert calls[0].call_id != calls[1].call_id


async def test_calls_all_sent_at_index_zero_with_new_ids_stay_separate() -> None:
    client = sse_client(
        delta(role="assistant", content=""),
        delta(tool_calls=[{"index": 0, "id": "c1", "function": {"name": "a", "arguments": "{}"}}]),
        delta(tool_calls=[{"index": 0, "id": "c2", "function": {"name": "b", "arguments": "{"}}]),
        delta(tool_calls=[{"index": 0, "function": {"arguments": "}"}}]),
        delta("tool_calls"),
    )
    model = ChatCompletionsModel("m", client=client, include_usage=False)

    events = await collect(model, make_request(tools=(WEATHER,)))

    assert events == [
        ModelToolCall("c1", "a", "{}"),
        ModelToolCall("c2", "b", "{}"),
        ModelResponseDone("chatcmpl_q", "tool_calls", Usage(requests=1)),
    ]


async def test_calls_win_over_a_stop_finish_reason() -> None:
    client = sse_client(
        delta(tool_calls=[{"index": 0, "id": "c1", "function": {"name": "a", "arguments": ""}}]),
        delta("stop"),
    )
    model = ChatCompletionsModel("m", client=client)

    events = await collect(model, make_request(tools=(WEATHER,)))

    assert events == [
        ModelToolCall("c1", "a", "{}"),
        ModelResponseDone("chatcmpl_q", "tool_calls", Usage(requests=1)),
    ]


async def test_surplus_calls_are_dropped_when_parallel_calls_are_off() -> None:
    fake = FakeOpenAI([TWO_CALLS])
    model = ChatCompletionsModel("gpt-test", client=fake.client())

    events = await collect(model, make_request(tools=(WEATHER, TIME), parallel_tool_calls=False))

    assert [e.call_id for e in events if isinstance(e, ModelToolCall)] == ["call_a"]


async def test_stream_without_a_finish_reason_is_interrupted() -> None:
    fake = FakeOpenAI([FakeReply(text="Sunny in Paris.", cut_after=2)])
    model = ChatCompletionsModel("gpt-test", client=fake.client())

    with pytest.raises(ModelError) as info:
        await collect(model, make_request())

    assert (info.value.code, info.value.retryable) == ("stream_interrupted", True)


async def test_error_object_in_the_stream_raises_model_error() -> None:
    fake = FakeOpenAI([FakeReply(text="x", stream_error=("rate_limit_exceeded", "Slow down."))])
    model = ChatCompletionsModel("gpt-test", client=fake.client())

    with pytest.raises(ModelError) as info:
        await collect(model, make_request())

    assert (info.value.code, info.value.retryable) == ("rate_limit_exceeded", True)


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=8),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=4), inner, max_size=3)
    ),
    max_leaves=8,
)


@settings(max_examples=20, deadline=None)
@given(
    arguments=st.dictionaries(st.text(max_size=6), JSON_VALUES, max_size=4), size=st.integers(1, 9)
)
def test_arguments_survive_any_fragmentation(arguments: dict[str, Any], size: int) -> None:
    reply = FakeReply.calls(
        FakeToolCall("get_weather", arguments), FakeToolCall("get_time", arguments), chunk_size=size
    )
    model = ChatCompletionsModel("gpt-test", client=FakeOpenAI([reply]).client())

    events = asyncio.run(collect(model, make_request(tools=(WEATHER, TIME))))

    calls = [e for e in events if isinstance(e, ModelToolCall)]
    assert [json.loads(c.arguments) for c in calls] == [arguments, arguments]
