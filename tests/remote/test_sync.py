"""Syncing agents to remote assistants: created once, found again, updated when changed."""

from __future__ import annotations

import pytest
from openai import AsyncOpenAI

from agentkit.agent import Agent
from agentkit.exceptions import ModelError
from agentkit.remote import RemoteDeviationWarning, RemoteRunner
from agentkit.testing import TestModel

from .double import Double
from .test_runner import get_weather


def agent(instructions: str = "Be brief.") -> Agent:
    return Agent(name="weather", model=TestModel(), instructions=instructions, tools=[get_weather])


async def test_syncing_twice_creates_one_assistant(client: AsyncOpenAI, double: Double) -> None:
    first = await RemoteRunner(client).sync(agent())
    again = await RemoteRunner(client).sync(agent())  # a new process: found by its metadata
    assert (first.action, again.action) == ("created", "unchanged")
    assert again.id == first.id
    assert len(double.assistants) == 1
    assert double.paths() == ["/v1/assistants"]


async def test_changed_instructions_update_the_assistant(
    client: AsyncOpenAI, double: Double
) -> None:
    first = await RemoteRunner(client).sync(agent())
    changed = await RemoteRunner(client).sync(agent("Be verbose."))
    assert changed.action == "updated" and changed.id == first.id
    assert double.assistants[first.id]["instructions"] == "Be verbose."
    assert len(double.assistants) == 1


async def test_assistant_body_carries_tools_and_marker(client: AsyncOpenAI, double: Double) -> None:
    synced = await RemoteRunner(client, model="gpt-remote").sync(agent())
    [(_, _, _, body)] = [r for r in double.requests if r[0] == "POST"]
    assert body == {
        "name": "weather",
        "model": "gpt-remote",
        "instructions": "Be brief.",
        "tools": [
            {
                "type": "function",
                "function": {
                    "name": "get_weather",
                    "description": "The weather in a city.",
                    "parameters": body["tools"][0]["function"]["parameters"],
                    "strict": body["tools"][0]["function"]["strict"],
                },
            }
        ],
        "metadata": {"agentkit_agent": "weather", "agentkit_hash": synced.digest},
    }


async def test_runner_syncs_once_per_agent(client: AsyncOpenAI, double: Double) -> None:
    runner = RemoteRunner(client)
    await runner.sync(agent())
    await runner.sync(agent())
    assert [m for m, p, _, _ in double.requests if p == "/v1/assistants"] == ["GET", "POST"]


@pytest.mark.parametrize("status", [404, 405])
async def test_without_an_assistant_list_one_is_created_remembered_and_updated(
    client: AsyncOpenAI, double: Double, status: int
) -> None:
    double.assistant_list_status = status
    runner = RemoteRunner(client)

    with pytest.warns(RemoteDeviationWarning, match=f"cannot list assistants.*{status}"):
        first = await runner.sync(agent())
    again = await runner.sync(agent())
    changed = await runner.sync(agent("Be verbose."))

    assert first.action == "created"
    assert again == first
    assert changed.action == "updated" and changed.id == first.id
    assert double.assistants[first.id]["instructions"] == "Be verbose."
    assert len(double.assistants) == 1


async def test_without_an_assistant_list_a_run_still_completes(
    client: AsyncOpenAI, double: Double
) -> None:
    double.assistant_list_status = 404

    with pytest.warns(RemoteDeviationWarning):
        result = await RemoteRunner(client).run(agent(), "Weather in Paris?")

    assert result.status == "completed"
    assert result.output_text.startswith("outputs: ")


async def test_other_list_failures_are_not_mistaken_for_a_missing_list(
    client: AsyncOpenAI, double: Double
) -> None:
    double.assistant_list_status = 401

    with pytest.raises(ModelError, match="401"):
        await RemoteRunner(client).sync(agent())
    assert double.assistants == {}
