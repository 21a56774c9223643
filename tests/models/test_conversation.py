"""`ResponsesModel(conversation=...)`: runs continue a conversation the server holds."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

import httpx2
import pytest
from openai import AsyncOpenAI

from agentkit import Agent, UserError, tool
from agentkit.models import ResponsesModel
from agentkit.testing import FakeOpenAI, FakeReply, FakeRequest, FakeToolCall

OSLO = "18 degrees and sunny in Oslo"


@tool
def get_weather(city: str) -> str:
    """Today's weather in a city."""
    return f"18 degrees and sunny in {city}"


def _script(request: FakeRequest) -> FakeReply | str:
    """Calls the tool for a weather question; otherwise says how much of the talk it saw."""
    if outputs := request.tool_outputs():
        return f"It is {next(iter(outputs.values()))}."
    if "weather" in request.last_user_text:
        return FakeReply.calls(FakeToolCall("get_weather", {"city": "Oslo"}))
    said = [item for item in request.items if item.get("role") == "user"]
    return f"I have seen {len(said)} user messages."


@pytest.fixture
async def served() -> AsyncIterator[tuple[FakeOpenAI, AsyncOpenAI]]:
    fake = FakeOpenAI(_script)
    async with fake.serve() as url:
        client = AsyncOpenAI(base_url=url, api_key="sk-conversation", max_retries=0)
        yield fake, client
        await client.close()


@pytest.mark.parametrize("stream", [True, False])
async def test_a_run_sends_only_what_the_conversation_lacks(
    served: tuple[FakeOpenAI, AsyncOpenAI], stream: bool
) -> None:
    fake, client = served
    conversation = await client.conversations.create(
        items=[{"role": "user", "content": "I live in Norway."}]
    )
    model = ResponsesModel("gpt-5.1", client=client, conversation=conversation.id, stream=stream)
    agent = Agent(name="a", model=model, tools=[get_weather])

    first = await agent.run("What is the weather?")
    second = await agent.run("Anything else?", thread=first.thread_id)

    assert first.output_text == "It is 18 degrees and sunny in Oslo."
    assert second.output_text == "I have seen 3 user messages."
    sent = [(request.body["conversation"], request.body["input"]) for request in fake.requests]
    assert sent == [
        (conversation.id, [{"role": "user", "content": "What is the weather?"}]),
        (
            conversation.id,
            [{"type": "function_call_output", "call_id": "call_1", "output": OSLO}],
        ),
        (conversation.id, [{"role": "user", "content": "Anything else?"}]),
    ]
    kept = [item.get("role", item["type"]) for item in fake.conversations.items(conversation.id)]
    assert kept == [
        "user",
        "user",
        "function_call",
        "function_call_output",
        "assistant",
        "user",
        "assistant",
    ]


async def test_a_new_thread_on_a_migrated_conversation_sees_its_history(
    served: tuple[FakeOpenAI, AsyncOpenAI],
) -> None:
    fake, client = served
    history: list[Any] = [
        {"role": "user", "content": "Hello"},
        {"role": "assistant", "content": "Hi! How can I help?"},
    ]
    conversation = await client.conversations.create(items=history)
    agent = Agent(name="a", model=ResponsesModel("m", client=client, conversation=conversation.id))

    result = await agent.run("Remember me?")

    assert result.output_text == "I have seen 2 user messages."
    assert fake.requests[0].body["input"] == [{"role": "user", "content": "Remember me?"}]


async def test_an_unknown_conversation_fails_the_run(
    served: tuple[FakeOpenAI, AsyncOpenAI],
) -> None:
    _, client = served
    agent = Agent(name="a", model=ResponsesModel("m", client=client, conversation="conv_gone"))

    result = await agent.run("hi")

    assert result.status == "failed"
    assert result.last_error is not None and result.last_error.code == "not_found"
    assert "conv_gone" in result.last_error.message


@pytest.mark.parametrize("stream", [True, False])
async def test_a_server_that_ignores_the_conversation_fails_the_call_instead_of_forgetting(
    stream: bool,
) -> None:
    fake = FakeOpenAI(["I remember nothing."])
    conversation = fake.conversations.create([{"role": "user", "content": "My name is Ada."}])

    async def forgetful(scope: Any, receive: Any, send: Any) -> None:
        # A server that does not know the field drops it (Ollama ignores unknown fields).
        body = b""
        while True:
            message = await receive()
            body += message.get("body", b"")
            if not message.get("more_body"):
                break
        data = json.loads(body or b"{}")
        data.pop("conversation", None)

        async def replay() -> dict[str, Any]:
            return {"type": "http.request", "body": json.dumps(data).encode()}

        await fake(scope, replay, send)

    client = fake.client(http_client=httpx2.AsyncClient(transport=httpx2.ASGITransport(forgetful)))
    agent = Agent(
        name="a",
        model=ResponsesModel("m", client=client, conversation=conversation, stream=stream),
    )

    result = await agent.run("What is my name?")

    assert result.status == "failed"
    assert result.last_error is not None
    assert result.last_error.code == "conversation_ignored"
    assert "does not keep conversations" in result.last_error.message
    assert result.output_text == ""


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"continuation": "conversation"}, "needs conversation='conv_…'"),
        ({"conversation": "conv_1", "continuation": "previous_response_id"}, "cannot be combined"),
        ({"conversation": "conv_1", "continuation": "replay"}, "cannot be combined"),
        ({"conversation": "conv_1", "store": False}, "needs stored responses"),
        ({"continuation": "threads"}, "continuation must be one of"),
    ],
)
def test_a_conversation_setting_that_cannot_work_is_refused_at_construction(
    options: dict[str, Any], message: str
) -> None:
    with pytest.raises(UserError, match=message):
        ResponsesModel("m", **options)
