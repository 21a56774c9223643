"""A run resumed after ``requires_action`` (here by a new runner over the same SQLite file, as
another process would) keeps everything its turns and middleware knew before the pause."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from agentkit import Agent, Middleware, RunContext, Runner, ToolDefinition, tool
from agentkit.calls import ModelCall, ModelHandler, ModelResponse
from agentkit.middleware import UsageLimitsMiddleware
from agentkit.models import ModelRequest
from agentkit.stores import SQLiteStore
from agentkit.testing import FunctionInfo, FunctionModel, ModelTurn, call_tool, text
from agentkit.usage import Usage

APPROVE = ToolDefinition(name="approve", description="Ask a manager to approve.")


@tool
def lookup(order: int) -> str:
    """Look an order up."""
    return f"order {order}: 120 EUR"


def _script(request: ModelRequest, info: FunctionInfo) -> ModelTurn:
    # Turn 1 looks the order up, turn 2 asks the caller to approve (the run pauses), turn 3
    # looks again, turn 4 answers; 100 prompt tokens per call.
    usage = Usage(1, 100, 5)
    calls = sum(1 for item in request.items if item.kind == "tool_call")
    if calls == 0:
        return ModelTurn(tool_calls=(call_tool("lookup", {"order": 1}),), usage=usage)
    if calls == 1:
        return ModelTurn(
            tool_calls=(call_tool("approve", {}, call_id="call_approve"),), usage=usage
        )
    if calls == 2:
        return ModelTurn(tool_calls=(call_tool("lookup", {"order": 2}),), usage=usage)
    return ModelTurn(text="refunded", usage=usage)


class Spy(Middleware):
    """Sees each call's tool history, and counts model calls in the run's own state."""

    def __init__(self) -> None:
        self.histories: list[list[str]] = []

    async def wrap_model_call(
        self, ctx: RunContext[Any], call: ModelCall, next: ModelHandler
    ) -> ModelResponse:
        self.histories.append([c.function.name for c in call.tool_history])
        ctx.state["spy.calls"] = ctx.state.get("spy.calls", 0) + 1
        return await next(call)


def _agent(*middleware: Middleware) -> Agent[Any]:
    return Agent(
        name="refunds", model=FunctionModel(_script), tools=[lookup, APPROVE], middleware=middleware
    )


async def _pause_then_resume(path: Path, first: Middleware, second: Middleware) -> Any:
    async with Runner(SQLiteStore(path)) as runner:
        paused = await runner.run(_agent(first), "refund order 1")
    assert paused.status == "requires_action"
    async with Runner(SQLiteStore(path)) as runner:
        return await runner.submit_tool_outputs(
            _agent(second), paused.run.id, {"call_approve": "approved"}
        )


async def test_the_next_turn_after_a_resume_sees_every_earlier_tool_call(tmp_path: Path) -> None:
    before, after = Spy(), Spy()
    result = await _pause_then_resume(tmp_path / "runs.db", before, after)
    assert result.status == "completed"
    assert after.histories[0] == ["lookup", "approve"]
    assert after.histories[1] == ["lookup", "approve", "lookup"]


async def test_middleware_state_in_ctx_state_survives_the_resume(tmp_path: Path) -> None:
    class Counter(Middleware):
        async def wrap_model_call(
            self, ctx: RunContext[Any], call: ModelCall, next: ModelHandler
        ) -> ModelResponse:
            ctx.state["calls"] = ctx.state.get("calls", 0) + 1
            self.last = ctx.state["calls"]
            return await next(call)

    first, second = Counter(), Counter()
    await _pause_then_resume(tmp_path / "runs.db", first, second)
    assert first.last == 2
    assert second.last == 4


async def test_usage_limits_count_the_tokens_used_before_the_pause(tmp_path: Path) -> None:
    # 100 prompt tokens per call: the third call (the second after the resume) goes over 250.
    result = await _pause_then_resume(
        tmp_path / "runs.db",
        UsageLimitsMiddleware(max_input_tokens=250),
        UsageLimitsMiddleware(max_input_tokens=250),
    )
    assert result.status == "incomplete"
    assert result.run.incomplete_details is not None
    assert result.run.incomplete_details.reason == "max_input_tokens"
    assert result.run.usage is not None
    assert result.run.usage.prompt_tokens == 300


async def test_usage_limits_keep_no_state_for_runs_that_never_resume() -> None:
    limits = UsageLimitsMiddleware(max_input_tokens=10_000)
    config = dict(vars(limits))
    runner = Runner()
    for _ in range(20):
        result = await runner.run(_agent(limits), "refund")
        assert result.status == "requires_action"
    assert vars(limits) == config


async def test_text_only_runs_keep_an_empty_state() -> None:
    agent = Agent(name="plain", model=FunctionModel(lambda r, i: text("hi")))
    result = await agent.run("hello")
    assert result.status == "completed"
    saved = await agent.runner.store.get_run_state(result.run.id)
    assert saved["ctx_state"] == {}
