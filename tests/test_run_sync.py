"""`Agent.run_sync`: runs from code without an event loop, refuses inside one."""

from __future__ import annotations

import asyncio

import pytest

from agentkit import Agent, UserError, tool
from agentkit.models import ResponsesModel
from agentkit.testing import FakeOpenAI, FakeReply, FakeToolCall
from tests.leak_watch import secret

KEY = secret("sk-run-sync-0123456789")


@tool
def get_weather(city: str) -> str:
    """Today's weather in a city."""
    return f"18 degrees and sunny in {city}"


def test_run_sync_runs_offline_and_a_second_call_continues_the_thread() -> None:
    agent = Agent(name="a", model="test", tools=[get_weather])

    first = agent.run_sync("Weather in Oslo?")
    second = agent.run_sync("And tomorrow?", thread=first.thread_id)

    assert (first.status, second.status) == ("completed", "completed")
    assert [c.function.name for c in first.tool_calls] == ["get_weather"]
    assert second.thread_id == first.thread_id


def test_run_sync_twice_with_a_model_by_name_uses_a_fresh_client_each_time(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    fake = FakeOpenAI(
        [
            FakeReply.calls(FakeToolCall("get_weather", {"city": "Oslo"})),
            "Sunny.",
            "Still sunny.",
        ]
    )
    with fake.serve_in_thread() as url:
        monkeypatch.setenv("OPENAI_BASE_URL", url)
        monkeypatch.setenv("OPENAI_API_KEY", KEY)
        monkeypatch.delenv("AZURE_OPENAI_ENDPOINT", raising=False)
        agent = Agent(name="a", model="gpt-5.1", tools=[get_weather])
        first = agent.run_sync("Weather in Oslo?")
        # A new event loop: a client kept from the first would fail ("Event loop is closed").
        second = agent.run_sync("And tomorrow?", thread=first.thread_id)

    assert (first.output_text, second.output_text) == ("Sunny.", "Still sunny.")
    assert [request.body["model"] for request in fake.requests] == ["gpt-5.1"] * 3
    said = [item.get("content") for item in fake.requests[2].items if item.get("role") == "user"]
    assert said == ["Weather in Oslo?", "And tomorrow?"]


async def test_run_sync_inside_a_running_loop_is_refused_naming_the_alternative() -> None:
    agent = Agent(name="a", model="test")

    with pytest.raises(UserError, match=r"inside a running event loop.*await agent\.run"):
        agent.run_sync("hi")

    assert await agent.runner.store.active_runs() == []


def test_an_adapter_given_no_client_works_from_one_event_loop_after_another(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # It used to keep the client of its first loop: the second run failed, "Event loop is
    # closed".
    fake = FakeOpenAI(["One.", "Two."])
    with fake.serve_in_thread() as url:
        monkeypatch.setenv("OPENAI_BASE_URL", url)
        monkeypatch.setenv("OPENAI_API_KEY", KEY)
        agent = Agent(name="a", model=ResponsesModel("gpt-5.1"))
        answers = [asyncio.run(agent.run("hi")).output_text for _ in range(2)]

    assert answers == ["One.", "Two."]
