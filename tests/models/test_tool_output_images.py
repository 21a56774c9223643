"""Images a tool attaches to its output reach Responses as image parts, Chat as text only."""

from __future__ import annotations

from typing import Any

import pytest

from agentkit import Agent, RunContext, tool
from agentkit.models import ChatCompletionsModel, Endpoint, Model, ResponsesModel
from agentkit.testing import FakeOpenAI, FakeReply, FakeToolCall
from agentkit.tools.images import attach_image

DOT = "data:image/png;base64,iVBORw0KGgo="


@tool
def snapshot(ctx: RunContext[Any]) -> str:
    """Take a picture."""
    attach_image(ctx, DOT)
    attach_image(ctx, "https://example.com/second.png")
    return "two pictures: [image 1] [image 2]"


def _model(api: str, url: str) -> Model:
    endpoint = Endpoint("openai", base_url=url, api_key="sk-tool-images")
    if api == "chat":
        return ChatCompletionsModel("gpt-5.1", endpoint=endpoint)
    return ResponsesModel("gpt-5.1", endpoint=endpoint)


async def _run(api: str) -> tuple[FakeOpenAI, Any]:
    fake = FakeOpenAI([FakeReply.calls(FakeToolCall("snapshot", {})), "A dot and a second."])
    async with fake.serve() as url:
        agent = Agent(name="eyes", model=_model(api, url), tools=[snapshot])
        result = await agent.run("look")
    return fake, result


async def test_responses_receives_the_text_then_each_image_in_the_call_output() -> None:
    fake, result = await _run("responses")

    assert result.output_text == "A dot and a second."
    [output] = [
        i for i in fake.requests[1].body["input"] if i.get("type") == "function_call_output"
    ]
    assert output["output"] == [
        {"type": "input_text", "text": "two pictures: [image 1] [image 2]"},
        {"type": "input_image", "image_url": DOT},
        {"type": "input_image", "image_url": "https://example.com/second.png"},
    ]


async def test_chat_completions_receives_the_text_alone() -> None:
    fake, result = await _run("chat")

    assert result.output_text == "A dot and a second."
    [message] = [m for m in fake.requests[1].body["messages"] if m["role"] == "tool"]
    assert message["content"] == "two pictures: [image 1] [image 2]"


@pytest.mark.parametrize("ctx", [None, RunContext(deps=None)])
def test_attaching_outside_a_call_says_it_was_not_attached(ctx: RunContext[None] | None) -> None:
    assert attach_image(ctx, DOT) is False
