"""Calls the caller answers pause the remote run; submitting resumes it in one request."""

from __future__ import annotations

from typing import Literal

import pytest
from openai import AsyncOpenAI

from agentkit.agent import Agent
from agentkit.exceptions import ToolOutputsMismatchError
from agentkit.remote import PollPolicy, RemoteRunner
from agentkit.testing import TestModel
from agentkit.tools import ToolDefinition

from .double import Double
from .test_runner import get_weather

Mode = Literal["stream", "poll"]


@pytest.mark.parametrize("mode", ["stream", "poll"])
async def test_caller_tool_pauses_then_one_submit_carries_all_outputs(
    client: AsyncOpenAI, double: Double, mode: Mode
) -> None:
    ask_user = ToolDefinition("ask_user", "Ask the user.")
    agent = Agent(name="m", model=TestModel(), tools=[get_weather, ask_user])
    double.arguments["get_weather"] = '{"city": "Oslo"}'
    runner = RemoteRunner(client, mode=mode, poll=PollPolicy(default=0.01))
    paused = await runner.run(agent, "hi")
    assert paused.status == "requires_action"
    assert [c.function.name for c in paused.pending_tool_calls] == ["ask_user"]
    with pytest.raises(ToolOutputsMismatchError):
        await runner.submit_tool_outputs(agent, paused.run, {"call_0": "wrong id"})
    result = await runner.submit_tool_outputs(agent, paused.run, {"call_1": "yes"})
    assert result.status == "completed"
    assert result.output_text == "outputs: sunny in Oslo, yes"
    [submit] = [b for _, p, _, b in double.requests if p.endswith("/submit_tool_outputs")]
    assert submit["tool_outputs"] == [
        {"tool_call_id": "call_0", "output": "sunny in Oslo"},
        {"tool_call_id": "call_1", "output": "yes"},
    ]
