from __future__ import annotations

import asyncio
import contextlib

import httpx2
import openai
import pytest
from openai.types.chat import ChatCompletionMessageFunctionToolCall
from openai.types.responses import ResponseFunctionToolCall

from agentkit.testing import FakeOpenAI, FakeReply, FakeRequest, FakeToolCall

TOOL = {"type": "function", "name": "add", "parameters": {"type": "object"}, "strict": False}
CHAT_TOOL = {"type": "function", "function": {"name": "add", "parameters": {"type": "object"}}}


async def test_sdk_responses_stream_helper_accepts_the_event_order() -> None:
    fake = FakeOpenAI([FakeReply(text="Hi there.", tool_calls=[FakeToolCall("add", {"a": 1})])])
    client = fake.client()

    async with client.responses.stream(model="m", input="hi", tools=[TOOL]) as stream:  # type: ignore[list-item]
        final = await stream.get_final_response()

    assert final.output_text == "Hi there."
    call = final.output[1]
    assert isinstance(call, ResponseFunctionToolCall)
    assert (call.call_id, call.name, call.arguments) == ("call_1", "add", '{"a": 1}')


async def test_sdk_chat_stream_helper_joins_the_fragments() -> None:
    fake = FakeOpenAI([FakeReply(text="Hi.", tool_calls=[FakeToolCall("add", {"a": 1})])])
    client = fake.client()

    async with client.chat.completions.stream(
        model="m",
        messages=[{"role": "user", "content": "hi"}],
        tools=[CHAT_TOOL],  # type: ignore[list-item]
    ) as stream:
        final = await stream.get_final_completion()

    message = final.choices[0].message
    assert message.content == "Hi."
    call = (message.tool_calls or [])[0]
    assert isinstance(call, ChatCompletionMessageFunctionToolCall)
    assert (call.id, call.function.arguments) == ("call_1", '{"a": 1}')


async def test_function_script_sees_each_request() -> None:
    seen: list[tuple[int, str]] = []

    def script(request: FakeRequest) -> str:
        seen.append((request.index, request.last_user_text))
        return f"echo {request.last_user_text}"

    client = FakeOpenAI(script).client()

    response = await client.responses.create(model="m", input="ping")

    assert (response.output_text, seen) == ("echo ping", [(0, "ping")])


async def test_async_script_can_read_tool_outputs() -> None:
    async def script(request: FakeRequest) -> FakeReply:
        return FakeReply(text=str(request.tool_outputs()))

    client = FakeOpenAI(script).client()

    completion = await client.chat.completions.create(
        model="m",
        messages=[
            {"role": "user", "content": "add"},
            {
                "role": "assistant",
                "tool_calls": [
                    {"id": "c1", "type": "function", "function": {"name": "add", "arguments": "{}"}}
                ],
            },
            {"role": "tool", "tool_call_id": "c1", "content": "3"},
        ],
    )

    assert completion.choices[0].message.content == "{'c1': '3'}"


async def test_exhausted_script_answers_500_naming_the_request() -> None:
    client = FakeOpenAI([]).client()

    with pytest.raises(openai.InternalServerError, match="no reply left .* request #0"):
        await client.responses.create(model="m", input="hi")


async def test_failing_script_answers_500_and_keeps_the_exception() -> None:
    def script(request: FakeRequest) -> str:
        raise KeyError("oops")

    fake = FakeOpenAI(script)

    with pytest.raises(openai.InternalServerError):
        await fake.client().responses.create(model="m", input="hi")

    assert [type(e) for e in fake.script_errors] == [KeyError]


async def test_push_queues_replies_after_construction() -> None:
    fake = FakeOpenAI()
    fake.push("one", FakeReply(text="two"))
    client = fake.client()

    first = await client.responses.create(model="m", input="a")
    second = await client.responses.create(model="m", input="b")

    assert (first.output_text, second.output_text) == ("one", "two")


async def test_stored_responses_can_be_retrieved() -> None:
    client = FakeOpenAI(["kept"]).client()
    created = await client.responses.create(model="m", input="a")

    fetched = await client.responses.retrieve(created.id)

    assert (fetched.id, fetched.output_text) == (created.id, "kept")


async def test_unknown_route_is_404() -> None:
    client = FakeOpenAI().client()

    with pytest.raises(openai.NotFoundError):
        await client.moderations.create(input="x")


async def test_error_reply_carries_status_body_and_headers() -> None:
    client = FakeOpenAI([FakeReply.error(429, "Slow.", code="rate_limit_exceeded", retry_after=3)])

    with pytest.raises(openai.RateLimitError) as info:
        await client.client().responses.create(model="m", input="a")

    assert info.value.body == {
        "message": "Slow.",
        "type": "invalid_request_error",
        "code": "rate_limit_exceeded",
        "param": None,
    }
    assert info.value.response.headers["retry-after"] == "3"


async def test_served_over_real_http_streams_events_as_they_are_produced() -> None:
    fake = FakeOpenAI([FakeReply(text="abcdef", chunk_size=2, event_delay=0.01)])

    async with fake.serve() as base_url:
        client = fake.client(base_url=base_url, http_client=None)
        stream = await client.responses.create(model="m", input="a", stream=True)
        deltas = [e.delta async for e in stream if e.type == "response.output_text.delta"]
        await client.close()

    assert deltas == ["ab", "cd", "ef"]
    assert base_url.startswith("http://127.0.0.1:")


async def test_invalid_json_body_is_400() -> None:
    fake = FakeOpenAI(["x"])
    async with httpx2.AsyncClient(transport=httpx2.ASGITransport(app=fake)) as http:
        answer = await http.post("http://fake/v1/responses", content=b"{nope")

    assert (answer.status_code, answer.json()["error"]["code"]) == (400, "invalid_json")
    assert fake.requests == []


async def test_a_fake_that_does_not_record_still_counts_requests() -> None:
    fake = FakeOpenAI(lambda request: "hi", record=False)
    client = fake.client()
    for _ in range(3):
        await client.responses.create(model="m", input="hello")
    assert fake.requests == []
    assert fake.received == 3


async def test_leaving_serve_ends_the_replies_still_in_flight() -> None:
    fake = FakeOpenAI([FakeReply(text="late", delay=30)])
    before = asyncio.all_tasks()
    async with fake.serve() as base_url:
        client = openai.AsyncOpenAI(base_url=base_url, api_key="test", max_retries=0)
        request = asyncio.create_task(client.responses.create(model="m", input="hi"))
        while not fake.requests:  # noqa: ASYNC110 - the server records the request first
            await asyncio.sleep(0.01)
    request.cancel()
    with contextlib.suppress(asyncio.CancelledError, openai.APIError):
        await request
    await client.close()

    left = asyncio.all_tasks() - before - {asyncio.current_task()}
    assert not left, left
