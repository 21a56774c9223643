"""RemoteRunner against the scripted double over real HTTP: streaming and polling."""

from __future__ import annotations

from typing import Any, Literal

import pytest
from openai import AsyncOpenAI

from agentkit.agent import Agent
from agentkit.events import RunStatusEvent
from agentkit.exceptions import ModelRetry
from agentkit.remote import PollPolicy, RemoteRunner
from agentkit.testing import TestModel
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
    [call] = result.tool_calls
    assert call.function.output == "sunny in Oslo" and call.error is None
    assert call.duration_ms is not None
