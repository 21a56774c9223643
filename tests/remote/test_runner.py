"""RemoteRunner against the scripted double over real HTTP: streaming and polling."""

from __future__ import annotations

from typing import Any, Literal

import pytest
from openai import AsyncOpenAI

from agentkit import Runner
from agentkit.agent import Agent
from agentkit.events import (
    RunStatusEvent,
    StepCompletedEvent,
    StepCreatedEvent,
    TextDeltaEvent,
)
from agentkit.exceptions import ModelRetry
from agentkit.models import ResponsesModel
from agentkit.remote import PollPolicy, RemoteRunner
from agentkit.stores import MemoryStore
from agentkit.testing import FakeOpenAI, FakeReply, TestModel
from agentkit.tools import tool

from .double import Double


@tool
def get_weather(city: str) -> str:
    """The weather in a city."""
    return f"sunny in {city}"


@tool
def broken(x: int) -> str:
    """Always fails."""
    raise ModelRetry("no luck")


def weather_agent() -> Agent:
    return Agent(name="weather", model=TestModel(), instructions="Be brief.", tools=[get_weather])


def kinds(events: list[Any]) -> list[str]:
    out = []
    for e in events:
        label = e.kind
        if isinstance(e, RunStatusEvent):
            label += f":{e.status}"
        elif hasattr(e, "step"):
            label += f":{e.step.type}:{e.step.status}"
        out.append(label)
    return out


Mode = Literal["stream", "poll"]


@pytest.mark.parametrize("mode", ["stream", "poll"])
async def test_run_answers_tools_and_completes(
    client: AsyncOpenAI, double: Double, mode: Mode
) -> None:
    double.arguments["get_weather"] = '{"city": "Oslo"}'
    runner = RemoteRunner(client, mode=mode, poll=PollPolicy(default=0.01))
    result = await runner.run(weather_agent(), "Weather in Oslo?", keep_events=True)
    assert result.status == "completed"
    assert result.output_text == "outputs: sunny in Oslo"
    assert kinds(result.events) == [
        "run.status:queued",
        "run.status:in_progress",
        "step.created:tool_calls:in_progress",
        "tool_call.started",
        "tool_call.finished",
        "usage",
        "step.completed:tool_calls:completed",
        "step.created:message_creation:in_progress",
        "message.created",
        "text.delta",
        "message.completed",
        "usage",
        "step.completed:message_creation:completed",
        "run.status:completed",
    ]
    # Polled, the tool step is made up at the first stop and listed by the service at the end:
    # it is still one step, under one id.
    created = [e.step.id for e in result.events if isinstance(e, StepCreatedEvent)]
    completed = [e.step.id for e in result.events if isinstance(e, StepCompletedEvent)]
    assert created == completed and len(set(created)) == 2
    [call] = result.tool_calls
    assert call.function.output == "sunny in Oslo" and call.error is None
    assert call.duration_ms is not None


async def test_a_run_a_tool_reads_live_streams_inside_a_remote_run_waited_for(
    client: AsyncOpenAI, double: Double
) -> None:
    inner_fake = FakeOpenAI([FakeReply(text="Deep thought.")])
    inner = Agent(name="inner", model=ResponsesModel("gpt-test", client=inner_fake.client()))

    @tool
    async def think(topic: str) -> str:
        """Think about a topic, watching the answer come."""
        pieces = [
            event.text
            async for event in Runner(MemoryStore()).iter_run(inner, topic)
            if isinstance(event, TextDeltaEvent)
        ]
        return "|".join(pieces)

    double.arguments["think"] = '{"topic": "life"}'
    agent = Agent(name="thinker", model=TestModel(), tools=[think])
    result = await RemoteRunner(client, mode="poll", poll=PollPolicy(default=0.01)).run(
        agent, "Think."
    )

    assert result.status == "completed"
    assert [bool(body.get("stream")) for body in inner_fake.bodies] == [True]
    assert result.output_text.count("|") >= 1  # the answer came in pieces


async def test_values_in_the_stream_that_are_no_events_are_skipped(
    client: AsyncOpenAI, double: Double
) -> None:
    double.junk_events = True
    double.arguments["get_weather"] = '{"city": "Oslo"}'
    runner = RemoteRunner(client, mode="stream", poll=PollPolicy(default=0.01))

    result = await runner.run(weather_agent(), "Weather in Oslo?")

    assert result.status == "completed"
    assert result.output_text == "outputs: sunny in Oslo"
