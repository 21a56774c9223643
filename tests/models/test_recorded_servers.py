"""Runs against real servers' replies (SGLang, vLLM, Ollama, llama.cpp), replayed over HTTP.

Each reply is recorded in ``recordings/`` as the server puts it on the wire (see the README
there) and sent back byte for byte by `FakeOpenAI` on 127.0.0.1, to an ordinary (leniently
validating) `AsyncOpenAI` client, streamed and not.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import pytest
from openai import AsyncOpenAI

from agentkit import Agent, Runner, tool
from agentkit.exceptions import ModelError
from agentkit.models import (
    ChatCompletionsModel,
    ContinuationWarning,
    ModelResponseDone,
    ModelToolCall,
    ResponsesModel,
)
from agentkit.records import FunctionToolCall
from agentkit.testing import FakeOpenAI, FakeReply, FakeRequest, FakeToolCall, RecordedReply

from .streams import WEATHER, collect, make_request

RECORDINGS = Path(__file__).parent / "recordings"
ANSWER = "It is sunny in Paris and raining in Rome."


@tool
def get_weather(city: str) -> str:
    """The weather in a city."""
    return {"Paris": "sunny", "Rome": "raining"}[city]


def recorded(name: str) -> RecordedReply:
    return RecordedReply.load(RECORDINGS / name)


def calls_then_answer(calls: RecordedReply, answer: RecordedReply) -> FakeOpenAI:
    """A server that replies ``calls`` to the question and ``answer`` once outputs come."""

    def script(request: FakeRequest) -> RecordedReply:
        return answer if request.tool_outputs() else calls

    return FakeOpenAI(script)


@asynccontextmanager
async def over_http(fake: FakeOpenAI) -> AsyncIterator[AsyncOpenAI]:
    async with fake.serve() as url:
        client = AsyncOpenAI(base_url=url, api_key="test", max_retries=0)
        try:
            yield client
        finally:
            await client.close()


def weather_agent(model: ChatCompletionsModel) -> Agent[None]:
    return Agent(name="weather", instructions="Be brief.", model=model, tools=[get_weather])


def called(calls: list[FunctionToolCall]) -> list[tuple[str, dict[str, str]]]:
    return [(call.function.name, json.loads(call.function.arguments)) for call in calls]


CHAT_SERVERS = [
    pytest.param("sglang-0.4.3", True, id="sglang-0.4.3-stream"),
    pytest.param("sglang-0.4.3", False, id="sglang-0.4.3-plain"),
    pytest.param("vllm-hermes", True, id="vllm-hermes-stream"),
    pytest.param("vllm-hermes", False, id="vllm-hermes-plain"),
    pytest.param("ollama-0.4.6", True, id="ollama-0.4.6-stream"),
    pytest.param("ollama-0.4.6", False, id="ollama-0.4.6-plain"),
]


@pytest.mark.parametrize(("server", "stream"), CHAT_SERVERS)
async def test_a_run_calls_both_tools_and_answers(server: str, stream: bool) -> None:
    fake = calls_then_answer(recorded(f"{server}/two-calls"), recorded(f"{server}/answer"))
    async with over_http(fake) as client:
        model = ChatCompletionsModel("m", client=client, stream=stream)

        result = await Runner().run(weather_agent(model), "Weather in Paris and Rome?")

    assert result.status == "completed"
    assert called(result.tool_calls) == [
        ("get_weather", {"city": "Paris"}),
        ("get_weather", {"city": "Rome"}),
    ]
    assert result.output_text == ANSWER
    outputs = fake.requests[-1].tool_outputs()
    assert sorted(outputs.values()) == ["raining", "sunny"]
    assert len(set(outputs)) == 2  # each call answered under its own id


async def test_sglang_empty_finish_reasons_do_not_end_the_stream_early() -> None:
    fake = FakeOpenAI([recorded("sglang-0.4.3/two-calls")])
    async with over_http(fake) as client:
        model = ChatCompletionsModel("m", client=client, include_usage=False)

        events = await collect(model, make_request(tools=(WEATHER,)))

    calls = [e for e in events if isinstance(e, ModelToolCall)]
    assert [(c.name, c.arguments) for c in calls] == [
        ("get_weather", '{"city": "Paris"}'),
        ("get_weather", '{"city": "Rome"}'),
    ]
    assert calls[0].call_id == "call_Xk3zQ0b8SvmPp2dJtq1Fqg"
    assert calls[1].call_id.startswith("call_") and calls[1].call_id != calls[0].call_id


async def test_a_turn_that_says_tool_calls_but_has_none_fails_the_run() -> None:
    fake = FakeOpenAI([recorded("vllm-hermes/lost-call")])
    async with over_http(fake) as client:
        model = ChatCompletionsModel("m", client=client, stream=True)  # recorded as a stream

        result = await Runner().run(weather_agent(model), "Weather in Paris and Rome?")

    assert result.status == "failed"
    assert result.last_error is not None
    assert result.last_error.code == "invalid_response"
    assert "finish_reason 'tool_calls' but sent no tool call" in result.last_error.message


async def test_tool_calls_finish_without_calls_in_a_plain_reply_is_a_model_error() -> None:
    body = {
        "id": "chatcmpl-1",
        "object": "chat.completion",
        "created": 1,
        "model": "m",
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": None},
                "finish_reason": "tool_calls",
            }
        ],
    }
    fake = FakeOpenAI([RecordedReply(json=json.dumps(body))])
    async with over_http(fake) as client:
        model = ChatCompletionsModel("m", client=client, stream=False)

        with pytest.raises(ModelError) as caught:
            await collect(model, make_request(tools=(WEATHER,)))

    assert caught.value.code == "invalid_response"
    assert not caught.value.retryable


async def test_whole_calls_at_index_zero_without_ids_stay_separate() -> None:
    # Each call whole in one fragment, all at index 0, no ids: the shape some gateways send.
    def whole(city: str) -> dict[str, object]:
        call = {
            "index": 0,
            "type": "function",
            "function": {"name": "get_weather", "arguments": json.dumps({"city": city})},
        }
        return {
            "id": "chatcmpl-g",
            "object": "chat.completion.chunk",
            "created": 1,
            "model": "m",
            "choices": [{"index": 0, "delta": {"tool_calls": [call]}, "finish_reason": None}],
        }

    finish = {**whole("x"), "choices": [{"index": 0, "delta": {}, "finish_reason": "tool_calls"}]}
    fake = FakeOpenAI([RecordedReply.events(whole("Paris"), whole("Rome"), finish, "[DONE]")])
    async with over_http(fake) as client:
        model = ChatCompletionsModel("m", client=client)

        events = await collect(model, make_request(tools=(WEATHER,)))

    calls = [e for e in events if isinstance(e, ModelToolCall)]
    assert [c.arguments for c in calls] == ['{"city": "Paris"}', '{"city": "Rome"}']
    assert len({c.call_id for c in calls}) == 2


async def test_ollama_020_calls_all_at_index_zero_with_their_own_ids_stay_separate() -> None:
    fake = FakeOpenAI([recorded("ollama-0.20/two-calls")])
    async with over_http(fake) as client:
        model = ChatCompletionsModel("m", client=client)

        events = await collect(model, make_request(tools=(WEATHER,)))

    calls = [(e.call_id, e.arguments) for e in events if isinstance(e, ModelToolCall)]
    assert calls == [
        ("call_m3v8q1zt", '{"city":"Paris"}'),
        ("call_p0x6r2kd", '{"city":"Rome"}'),
    ]


async def test_llamacpp_repeating_the_name_in_every_fragment_is_one_call() -> None:
    fake = FakeOpenAI([recorded("llamacpp-b5481/one-call")])
    async with over_http(fake) as client:
        model = ChatCompletionsModel("m", client=client)

        events = await collect(model, make_request(tools=(WEATHER,)))

    calls = [e for e in events if isinstance(e, ModelToolCall)]
    assert [(c.name, c.arguments) for c in calls] == [("get_weather", '{"city": "Paris"}')]


def ollama_responses() -> FakeOpenAI:
    """Ollama 0.20's /v1/responses: it ignores previous_response_id and never echoes it."""

    def script(request: FakeRequest) -> RecordedReply:
        items = request.items
        if not request.tool_outputs():
            return recorded("ollama-0.20/responses-two-calls")
        if any(item.get("type") == "function_call" for item in items):
            return recorded("ollama-0.20/responses-answer")
        # Only the outputs arrived: the model never saw its own calls.
        return recorded("ollama-0.20/responses-without-context")

    return FakeOpenAI(script)


@pytest.mark.parametrize("stream", [True, False], ids=["stream", "plain"])
async def test_ollama_ignoring_previous_response_id_falls_back_to_replay_once(
    stream: bool,
) -> None:
    fake = ollama_responses()
    async with over_http(fake) as client:
        model = ResponsesModel(
            "qwen3:8b", client=client, continuation="previous_response_id", stream=stream
        )
        agent = Agent(name="weather", instructions="Be brief.", model=model, tools=[get_weather])
        runner = Runner()

        with pytest.warns(ContinuationWarning, match="ignored previous_response_id") as warned:
            result = await runner.run(agent, "Weather in Paris and Rome?")
        again = await runner.run(agent, "And tomorrow?", thread=result.thread_id)

    assert result.status == "completed"
    assert result.output_text == ANSWER
    assert len(warned) == 1
    bodies = fake.bodies
    assert bodies[1]["previous_response_id"] == "resp_735102"  # tried once ...
    assert "previous_response_id" not in bodies[2]  # ... then the whole conversation
    assert [item.get("type") for item in bodies[2]["input"]] == [
        None,
        "function_call",
        "function_call",
        "function_call_output",
        "function_call_output",
    ]
    assert again.status == "completed"  # the second run replays without asking again
    assert all("previous_response_id" not in body for body in bodies[3:])


async def test_a_server_that_echoes_the_id_is_continued_without_replay() -> None:
    fake = FakeOpenAI(
        [FakeReply.calls(FakeToolCall("get_weather", {"city": "Paris"})), "Sunny in Paris."]
    )
    async with over_http(fake) as client:
        model = ResponsesModel("m", client=client, continuation="previous_response_id")
        agent = Agent(name="weather", model=model, tools=[get_weather])

        result = await Runner().run(agent, "Weather in Paris?")

    assert result.output_text == "Sunny in Paris."
    assert len(fake.requests) == 2
    assert fake.bodies[1]["previous_response_id"] == "resp_1"


@pytest.mark.parametrize(
    ("adapter", "body"),
    [
        (ResponsesModel, "[]"),
        (ResponsesModel, '"ok"'),
        (ResponsesModel, '{"id": "resp_1", "status": "completed", "output": "nonsense"}'),
        (ChatCompletionsModel, "[]"),
        (ChatCompletionsModel, '{"id": "c1", "choices": "nonsense"}'),
        (ChatCompletionsModel, '{"id": "c1", "choices": [7]}'),
    ],
)
async def test_a_reply_that_is_not_the_apis_json_is_a_clear_model_error(
    adapter: type[ResponsesModel | ChatCompletionsModel], body: str
) -> None:
    fake = FakeOpenAI([RecordedReply(json=body, source="a broken server")])
    async with over_http(fake) as client:
        model = adapter("m", client=client, stream=False)

        with pytest.raises(ModelError) as caught:
            await collect(model, make_request(tools=(WEATHER,)))

    assert caught.value.code == "invalid_response"


async def test_a_responses_call_without_call_id_or_usage_still_reaches_the_run() -> None:
    body = {
        "id": "resp_1",
        "object": "response",
        "status": "completed",
        "output": [
            {"type": "reasoning", "id": "rs_1", "summary": []},
            {"type": "function_call", "name": "get_weather", "arguments": '{"city": "Rome"}'},
        ],
    }
    fake = FakeOpenAI([RecordedReply(json=json.dumps(body))])
    async with over_http(fake) as client:
        model = ResponsesModel("m", client=client, stream=False)

        events = await collect(model, make_request(tools=(WEATHER,)))

    [call] = [e for e in events if isinstance(e, ModelToolCall)]
    assert (call.name, call.arguments) == ("get_weather", '{"city": "Rome"}')
    assert call.call_id.startswith("call_")
    done = events[-1]
    assert isinstance(done, ModelResponseDone)
    assert done.finish_reason == "tool_calls"


async def test_a_chat_custom_tool_call_is_left_out_and_a_function_call_kept() -> None:
    calls = [
        {"id": "c_1", "type": "custom", "custom": {"name": "grammar", "input": "x"}},
        {"id": "c_2", "type": "function", "function": {"name": "get_weather", "arguments": ""}},
    ]
    body = {
        "id": "chatcmpl-1",
        "object": "chat.completion",
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": None, "tool_calls": calls},
                "finish_reason": "tool_calls",
            }
        ],
        "usage": {"prompt_tokens": 7, "completion_tokens": 3, "total_tokens": 10},
    }
    fake = FakeOpenAI([RecordedReply(json=json.dumps(body))])
    async with over_http(fake) as client:
        model = ChatCompletionsModel("m", client=client, stream=False)

        events = await collect(model, make_request(tools=(WEATHER,)))

    [call] = [e for e in events if isinstance(e, ModelToolCall)]
    assert (call.call_id, call.name, call.arguments) == ("c_2", "get_weather", "{}")
    done = events[-1]
    assert isinstance(done, ModelResponseDone)
    assert (done.usage.input_tokens, done.usage.output_tokens) == (7, 3)
