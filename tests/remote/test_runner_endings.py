"""How remote runs end: statuses and last_error as the service says, or agentkit's own endings."""

from __future__ import annotations

from typing import Literal

import pytest
from openai import AsyncOpenAI

from agentkit.agent import Agent
from agentkit.exceptions import NotFoundError
from agentkit.limits import RunLimits
from agentkit.records import LastError
from agentkit.remote import PollPolicy, RemoteRunner
from agentkit.testing import TestModel

from .double import Double
from .test_runner import broken, get_weather, weather_agent

Mode = Literal["stream", "poll"]
MODES = pytest.mark.parametrize("mode", ["stream", "poll"])


def runner(client: AsyncOpenAI, mode: Mode, **options: object) -> RemoteRunner:
    return RemoteRunner(client, mode=mode, poll=PollPolicy(default=0.01), **options)  # type: ignore[arg-type]


@MODES
async def test_failed_run_keeps_the_service_last_error(
    client: AsyncOpenAI, double: Double, mode: Mode
) -> None:
    double.fail = LastError(code="rate_limit_exceeded", message="Slow down.")
    result = await runner(client, mode).run(weather_agent(), "hi")
    assert result.status == "failed"
    assert result.last_error == LastError(code="rate_limit_exceeded", message="Slow down.")


@MODES
async def test_incomplete_run_keeps_its_reason(
    client: AsyncOpenAI, double: Double, mode: Mode
) -> None:
    double.cut_short = True
    result = await runner(client, mode).run(weather_agent(), "hi")
    assert result.status == "incomplete"
    assert result.run.incomplete_details is not None
    assert result.run.incomplete_details.reason == "max_completion_tokens"


@MODES
async def test_failed_tool_is_recorded_and_its_error_sent(
    client: AsyncOpenAI, double: Double, mode: Mode
) -> None:
    agent = Agent(name="b", model=TestModel(), tools=[broken])
    double.arguments["broken"] = '{"x": 1}'
    result = await runner(client, mode).run(agent, "hi")
    assert result.status == "completed"
    [call] = result.tool_calls
    assert call.error is not None and call.error.code == "retry"
    assert call.function.output == "no luck"
    [submit] = [body for m, p, _, body in double.requests if p.endswith("/submit_tool_outputs")]
    assert submit["tool_outputs"] == [{"tool_call_id": "call_0", "output": "no luck"}]


@MODES
async def test_tool_failing_beyond_its_budget_fails_run_and_cancels_remote(
    client: AsyncOpenAI, double: Double, mode: Mode
) -> None:
    agent = Agent(
        name="b", model=TestModel(), tools=[broken], limits=RunLimits(max_model_retries=0)
    )
    double.arguments["broken"] = '{"x": 1}'
    result = await runner(client, mode).run(agent, "hi")
    assert result.status == "failed"
    assert result.last_error is not None and result.last_error.code == "tool_error"
    assert [p for p in double.paths() if p.endswith("/cancel")] == [
        f"/v1/threads/{result.thread_id}/runs/{result.run.id}/cancel"
    ]
    assert [s.status for s in result.steps] == ["failed"]


@MODES
async def test_max_turns_ends_run_incomplete(
    client: AsyncOpenAI, double: Double, mode: Mode
) -> None:
    agent = Agent(name="w", model=TestModel(), tools=[get_weather], limits=RunLimits(max_turns=1))
    result = await runner(client, mode).run(agent, "hi")
    assert result.status == "incomplete"
    assert result.run.incomplete_details is not None
    assert result.run.incomplete_details.reason == "max_turns"
    assert not [p for p in double.paths() if p.endswith("/submit_tool_outputs")]


@MODES
async def test_run_past_expires_at_expires_locally_and_is_cancelled(
    client: AsyncOpenAI, double: Double, mode: Mode
) -> None:
    double.hang, double.expires_in = True, 1
    result = await runner(client, mode, expiry_grace=0.1).run(weather_agent(), "hi")
    assert result.status == "expired"
    assert result.last_error is not None and result.last_error.code == "run_expired"
    assert any(p.endswith("/cancel") for p in double.paths())


async def test_unknown_thread_raises_not_found(client: AsyncOpenAI) -> None:
    with pytest.raises(NotFoundError):
        await runner(client, "stream").run(weather_agent(), "hi", thread="thread_missing")
