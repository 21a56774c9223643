"""Tool-choice policies end to end: what the server received on each turn."""

from __future__ import annotations

from typing import Any

import pytest

from agentkit.agent import Agent
from agentkit.models import ChatCompletionsModel, Model, ResponsesModel
from agentkit.runs.result import RunResult
from agentkit.testing import FakeOpenAI, FakeReply, FakeToolCall
from agentkit.testing.fake_openai import ScriptResult
from agentkit.tool_choice import (
    AllowedToolsPolicy,
    RequiredUntil,
    StopAtTools,
    StopOnFirstTool,
    ToolChoicePolicy,
    ToolFirst,
)


def search(query: str) -> str:
    """Search the web."""
    return f"results for {query}"


def fetch(url: str) -> str:
    """Fetch a page."""
    return f"page at {url}"


def answer(text: str) -> str:
    """Give the final answer."""
    return f"ANSWER: {text}"


SEARCH = FakeReply.calls(FakeToolCall("search", {"query": "cats"}))
FETCH = FakeReply.calls(FakeToolCall("fetch", {"url": "http://x"}))
ANSWER = FakeReply.calls(FakeToolCall("answer", {"text": "cats purr"}))


async def _run(
    model_cls: type[Model], policy: ToolChoicePolicy | str, replies: list[ScriptResult]
) -> tuple[RunResult, list[Any]]:
    fake = FakeOpenAI(replies)
    model = model_cls("gpt-test", client=fake.client())  # type: ignore[call-arg]
    agent = Agent(name="a", model=model, tools=[search, fetch, answer], tool_choice=policy)
    result = await agent.run("Tell me about cats.")
    assert result.status == "completed", result.last_error
    return result, [body["tool_choice"] for body in fake.bodies]


def _named(model_cls: type[Model], name: str) -> dict[str, Any]:
    if model_cls is ResponsesModel:
        return {"type": "function", "name": name}
    return {"type": "function", "function": {"name": name}}


MODELS = [ResponsesModel, ChatCompletionsModel]


@pytest.mark.parametrize("model_cls", MODELS)
async def test_required_resets_to_auto_after_the_first_tool(model_cls: type[Model]) -> None:
    _, seen = await _run(model_cls, "required", [SEARCH, "Cats purr."])
    assert seen == ["required", "auto"]


@pytest.mark.parametrize("model_cls", MODELS)
async def test_a_named_tool_is_sent_then_auto(model_cls: type[Model]) -> None:
    _, seen = await _run(model_cls, "fetch", [FETCH, "Done."])
    assert seen == [_named(model_cls, "fetch"), "auto"]


@pytest.mark.parametrize("model_cls", MODELS)
async def test_tool_first_forces_until_that_tool_ran(model_cls: type[Model]) -> None:
    _, seen = await _run(model_cls, ToolFirst("fetch"), [SEARCH, FETCH, "Done."])
    assert seen == [_named(model_cls, "fetch"), _named(model_cls, "fetch"), "auto"]


@pytest.mark.parametrize("model_cls", MODELS)
async def test_required_until_two_calls(model_cls: type[Model]) -> None:
    _, seen = await _run(model_cls, RequiredUntil(2), [SEARCH, FETCH, "Done."])
    assert seen == ["required", "required", "auto"]


async def test_allowed_tools_on_the_responses_wire() -> None:
    policy = AllowedToolsPolicy(["search", "fetch"], mode="required")
    _, seen = await _run(ResponsesModel, policy, ["Done."])
    assert seen == [
        {
            "type": "allowed_tools",
            "mode": "required",
            "tools": [
                {"type": "function", "name": "search"},
                {"type": "function", "name": "fetch"},
            ],
        }
    ]


async def test_allowed_tools_on_the_chat_wire() -> None:
    policy = AllowedToolsPolicy(lambda info: ["answer"])
    _, seen = await _run(ChatCompletionsModel, policy, ["Done."])
    assert seen == [
        {
            "type": "allowed_tools",
            "allowed_tools": {
                "mode": "auto",
                "tools": [{"type": "function", "function": {"name": "answer"}}],
            },
        }
    ]


@pytest.mark.parametrize("model_cls", MODELS)
async def test_stop_at_tools_ends_with_that_tools_output(model_cls: type[Model]) -> None:
    result, seen = await _run(model_cls, StopAtTools(("answer",)), [SEARCH, ANSWER])
    assert len(seen) == 2  # no model call after the answer tool
    assert result.output_text == "ANSWER: cats purr"


@pytest.mark.parametrize("model_cls", MODELS)
async def test_stop_on_first_tool_makes_one_model_call(model_cls: type[Model]) -> None:
    result, seen = await _run(model_cls, StopOnFirstTool(then="required"), [SEARCH])
    assert seen == ["required"]
    assert result.output_text == "results for cats"
