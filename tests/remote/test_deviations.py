"""Foundry classic and Azure deviations, handled by the flavor (against the double)."""

from __future__ import annotations

from typing import Any, Literal

import pytest
from openai import AsyncOpenAI

from agentkit.agent import Agent
from agentkit.remote import (
    FOUNDRY_CLASSIC,
    OPENAI,
    PollPolicy,
    RemoteDeviationWarning,
    RemoteRunner,
)
from agentkit.testing import TestModel

from .conftest import azure_client
from .double import Double
from .test_runner import get_weather

Mode = Literal["stream", "poll"]
MODES = pytest.mark.parametrize("mode", ["stream", "poll"])


def run_bodies(double: Double) -> list[dict[str, Any]]:
    return [body for m, p, _, body in double.requests if m == "POST" and p.endswith("/runs")]


@MODES
async def test_azure_client_sends_api_version_on_every_request(double: Double, mode: Mode) -> None:
    client = azure_client(double)
    runner = RemoteRunner(client, mode=mode, poll=PollPolicy(default=0.01))
    assert runner.flavor is FOUNDRY_CLASSIC
    result = await runner.run(Agent(name="w", model=TestModel(), tools=[get_weather]), "hi")
    assert result.status == "completed"
    assert {q.get("api-version") for _, _, q, _ in double.requests} == {"2025-05-15-preview"}
    assert all(p.startswith("/openai/") for _, p, _, _ in double.requests)


@MODES
async def test_foundry_required_tool_choice_degrades_to_auto_with_warning(
    double: Double, mode: Mode
) -> None:
    double.foundry = True
    runner = RemoteRunner(azure_client(double), mode=mode, poll=PollPolicy(default=0.01))
    agent = Agent(name="w", model=TestModel(), tools=[get_weather], tool_choice="required")
    with pytest.warns(
        RemoteDeviationWarning, match="foundry-classic does not accept tool_choice 'required'"
    ):
        result = await runner.run(agent, "hi")
    assert result.status == "completed"
    assert [b["tool_choice"] for b in run_bodies(double)] == ["auto"]


async def test_openai_flavor_sends_required_tool_choice(
    client: AsyncOpenAI, double: Double
) -> None:
    runner = RemoteRunner(client)
    assert runner.flavor is OPENAI
    agent = Agent(name="w", model=TestModel(), tools=[get_weather], tool_choice="get_weather")
    await runner.run(agent, "hi")
    assert [b["tool_choice"] for b in run_bodies(double)] == [
        {"type": "function", "function": {"name": "get_weather"}}
    ]


@MODES
async def test_foundry_cut_short_run_is_incomplete(double: Double, mode: Mode) -> None:
    double.foundry, double.cut_short = True, True
    runner = RemoteRunner(azure_client(double), mode=mode, poll=PollPolicy(default=0.01))
    result = await runner.run(Agent(name="w", model=TestModel(), tools=[get_weather]), "hi")
    assert result.status == "incomplete"
    assert result.run.incomplete_details is not None
    assert result.run.incomplete_details.reason == "max_completion_tokens"
