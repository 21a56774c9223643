from __future__ import annotations

from typing import Any

import pytest

from agentkit.agent import Agent
from agentkit.exceptions import UserError
from agentkit.middleware import UsageLimitsMiddleware
from agentkit.models import ModelRequest
from agentkit.testing import FunctionInfo, FunctionModel, ModelTurn, call_tool
from agentkit.usage import Usage

CALLED: list[str] = []


def ping(n: int) -> str:
    """Answer pong."""
    CALLED.append(str(n))
    return "pong"


def _looping(request: ModelRequest, info: FunctionInfo) -> Any:
    # Two calls per turn, forever, 10 input and 5 output tokens per call.
    calls = (call_tool("ping", {"n": info.turn}), call_tool("ping", {"n": -info.turn}))
    return ModelTurn(tool_calls=calls, usage=Usage(1, 10, 5))


def _agent(limits: UsageLimitsMiddleware, script: Any = _looping) -> Agent[Any]:
    return Agent(name="a", model=FunctionModel(script), tools=[ping], middleware=[limits])


@pytest.fixture(autouse=True)
def _reset() -> None:
    CALLED.clear()


async def test_max_requests_ends_the_run_before_the_extra_call() -> None:
    model = FunctionModel(_looping)
    agent = Agent(
        name="a", model=model, tools=[ping], middleware=[UsageLimitsMiddleware(max_requests=2)]
    )
    result = await agent.run("go")

    assert result.status == "incomplete"
    assert result.run.incomplete_details is not None
    assert result.run.incomplete_details.reason == "max_requests"
    assert model.calls == 2


async def test_max_tool_calls_stops_before_dispatching_a_turn_that_would_go_over() -> None:
    result = await _agent(UsageLimitsMiddleware(max_tool_calls=3)).run("go")

    assert result.status == "incomplete"
    assert result.run.incomplete_details is not None
    assert result.run.incomplete_details.reason == "max_tool_calls"
    assert sorted(CALLED) == ["-1", "1"]  # the two calls of a turn run in parallel


@pytest.mark.parametrize(
    ("limit", "reason"),
    [
        ({"max_input_tokens": 25}, "max_input_tokens"),
        ({"max_output_tokens": 12}, "max_output_tokens"),
        ({"max_total_tokens": 40}, "max_total_tokens"),
    ],
)
async def test_token_limits_end_the_run_after_the_call_that_went_over(
    limit: dict[str, int], reason: str
) -> None:
    result = await _agent(UsageLimitsMiddleware(**limit)).run("go")

    assert result.status == "incomplete"
    assert result.run.incomplete_details is not None
    assert result.run.incomplete_details.reason == reason
    assert len(CALLED) == 4  # two turns of tools ran; the third turn's calls did not


async def test_a_final_answer_over_the_token_budget_is_still_delivered() -> None:
    def answer(request: ModelRequest, info: FunctionInfo) -> ModelTurn:
        return ModelTurn(text="done", usage=Usage(1, 100, 100))

    result = await _agent(UsageLimitsMiddleware(max_total_tokens=10), answer).run("go")
    assert result.status == "completed"
    assert result.output_text == "done"


async def test_runs_within_their_limits_complete() -> None:
    def once(request: ModelRequest, info: FunctionInfo) -> Any:
        return call_tool("ping", {"n": 1}) if info.turn == 1 else "done"

    limits = UsageLimitsMiddleware(max_requests=2, max_tool_calls=1, max_total_tokens=1000)
    result = await _agent(limits, once).run("go")
    assert result.status == "completed"


def test_a_negative_limit_is_refused() -> None:
    with pytest.raises(UserError, match="max_tool_calls must be an int >= 0"):
        UsageLimitsMiddleware(max_tool_calls=-1)
