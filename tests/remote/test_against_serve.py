"""The remote backend end to end against `agentkit serve` over real HTTP (TestModel upstream)."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Literal

import pytest
from openai import AsyncOpenAI

from agentkit.agent import Agent
from agentkit.remote import PollPolicy, RemoteRunner
from agentkit.server.app import create_app
from agentkit.server.config import ServerConfig, offline_model_factory
from agentkit.testing import TestModel
from agentkit.tools import tool
from tests.leak_watch import secret

from .conftest import serve
from .test_runner import kinds

SERVE_KEY = secret("sk-remote-serve-key")


@tool
def get_weather(city: str) -> str:
    """The weather in a city."""
    return f"sunny in {city}"


@pytest.fixture
async def serve_client(tmp_path: Path) -> AsyncIterator[AsyncOpenAI]:
    config = ServerConfig(
        model_factory=offline_model_factory,
        db_path=str(tmp_path / "serve.db"),
        api_keys={SERVE_KEY: "proj"},
        poll_after_ms=20,
    )
    async with serve(create_app(config), lifespan="on") as url:
        client = AsyncOpenAI(base_url=f"{url}/v1", api_key=SERVE_KEY, max_retries=0)
        yield client
        await client.close()


@pytest.mark.parametrize("mode", ["stream", "poll"])
async def test_remote_run_against_agentkit_serve(
    serve_client: AsyncOpenAI, mode: Literal["stream", "poll"]
) -> None:
    agent = Agent(name="weather", model=TestModel(), tools=[get_weather])
    runner = RemoteRunner(serve_client, mode=mode, poll=PollPolicy(default=0.02))
    result = await runner.run(agent, "Weather?", keep_events=True)
    assert result.status == "completed", result.last_error
    [call] = result.tool_calls
    assert call.function.name == "get_weather"
    assert call.function.output is not None and call.function.output.startswith("sunny in ")
    assert json.loads(result.output_text) == {"get_weather": call.function.output}
    labels = [k for k in kinds(result.events) if k not in ("text.delta", "usage")]
    assert labels == [
        "run.status:queued",
        "run.status:in_progress",
        "step.created:tool_calls:in_progress",
        "tool_call.started",
        "tool_call.finished",
        "step.completed:tool_calls:completed",
        "step.created:message_creation:in_progress",
        "message.created",
        "message.completed",
        "step.completed:message_creation:completed",
        "run.status:completed",
    ]
