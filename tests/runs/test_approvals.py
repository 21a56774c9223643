"""Tool approvals: the pause, and approve / deny / edit decided by a second runner.

The model is `FakeOpenAI` over HTTP; the runs live in a SQLite file, and every decision is
submitted by a runner that did not start the run (as another process would).
"""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

import pytest

from agentkit import Agent, Runner, ToolDefinition, tool
from agentkit.context import RunContext
from agentkit.events import ToolCallFinishedEvent
from agentkit.exceptions import ApprovalsMismatchError, InvalidRunStateError
from agentkit.models import ResponsesModel
from agentkit.records import FunctionToolCall, ToolApproval, ToolCallsStepDetails
from agentkit.stores import SQLiteStore
from agentkit.testing import FakeOpenAI, FakeReply, FakeRequest, FakeToolCall

REFUNDS: list[dict[str, Any]] = []


@tool(needs_approval=True)
def issue_refund(order_id: int, amount_eur: float) -> str:
    """Refund an order."""
    REFUNDS.append({"order_id": order_id, "amount_eur": amount_eur})
    return f"refunded {amount_eur} EUR on order {order_id}"


@tool
def order_total(order_id: int) -> float:
    """The order's total."""
    return 30.0


def script(request: FakeRequest) -> FakeReply | str:
    outputs = request.tool_outputs()
    if not outputs:
        return FakeReply.calls(
            FakeToolCall("order_total", {"order_id": 42}, call_id="call_total"),
            FakeToolCall("issue_refund", {"order_id": 42, "amount_eur": 30}, call_id="call_refund"),
        )
    return f"Done: {outputs['call_refund']}"


def make_agent(fake: FakeOpenAI) -> Agent[None]:
    return Agent(
        name="refunds",
        model=ResponsesModel("gpt-test", client=fake.client()),
        tools=[order_total, issue_refund],
    )


@pytest.fixture(autouse=True)
def _no_refunds() -> None:
    REFUNDS.clear()


async def stored_calls(db: Path, run_id: str) -> list[FunctionToolCall]:
    async with SQLiteStore(db) as store:
        steps = await store.list_steps(run_id)
    return [
        call
        for step in steps
        if isinstance(step.step_details, ToolCallsStepDetails)
        for call in step.step_details.tool_calls
    ]


async def pause(db: Path, fake: FakeOpenAI) -> str:
    async with Runner(SQLiteStore(db)) as first:
        result = await first.run(make_agent(fake), "Refund order 42")
    assert result.status == "requires_action"
    assert result.run.required_action is not None
    assert result.run.required_action.type == "submit_tool_approval"
    [waiting] = result.pending_approvals
    assert (waiting.id, waiting.function.name) == ("call_refund", "issue_refund")
    assert json.loads(waiting.function.arguments) == {"order_id": 42, "amount_eur": 30}
    assert result.pending_tool_calls == []
    # The call that needs no approval ran before the pause; the step was saved with it.
    calls = await stored_calls(db, result.run.id)
    assert [(c.id, c.function.output) for c in calls] == [
        ("call_total", "30.0"),
        ("call_refund", None),
    ]
    assert REFUNDS == []
    return result.run.id


async def test_a_second_runner_approves_and_the_tool_runs(tmp_path: Path) -> None:
    fake = FakeOpenAI(script)
    run_id = await pause(tmp_path / "runs.db", fake)

    async with Runner(SQLiteStore(tmp_path / "runs.db")) as second:
        result = await second.submit_tool_approvals(make_agent(fake), run_id, {"call_refund": True})

    assert result.status == "completed"
    assert result.output_text == "Done: refunded 30.0 EUR on order 42"
    assert REFUNDS == [{"order_id": 42, "amount_eur": 30.0}]
    refund = result.tool_calls[-1]
    assert refund.approval == ToolApproval(tool_call_id="call_refund", approve=True)


async def test_a_denial_is_not_run_and_the_model_is_told_the_reason(tmp_path: Path) -> None:
    fake = FakeOpenAI(script)
    run_id = await pause(tmp_path / "runs.db", fake)

    async with Runner(SQLiteStore(tmp_path / "runs.db")) as second:
        denied = ToolApproval.denied("call_refund", "refunds over 20 EUR need a manager")
        result = await second.submit_tool_approvals(make_agent(fake), run_id, [denied])

    told = "The call was not run: the user denied it. Reason: refunds over 20 EUR need a manager"
    assert REFUNDS == []
    assert fake.requests[-1].tool_outputs() == {"call_total": "30.0", "call_refund": told}
    assert result.output_text == f"Done: {told}"
    stored = await stored_calls(tmp_path / "runs.db", run_id)
    assert stored[1].approval == denied


async def test_edited_arguments_run_and_the_conversation_shows_them(tmp_path: Path) -> None:
    fake = FakeOpenAI(script)
    run_id = await pause(tmp_path / "runs.db", fake)

    async with Runner(SQLiteStore(tmp_path / "runs.db")) as second:
        edit = ToolApproval.approved("call_refund", arguments={"order_id": 42, "amount_eur": 20})
        result = await second.submit_tool_approvals(make_agent(fake), run_id, [edit])

    assert REFUNDS == [{"order_id": 42, "amount_eur": 20.0}]
    sent_call = next(i for i in fake.requests[-1].items if i.get("call_id") == "call_refund")
    assert json.loads(sent_call["arguments"]) == {"order_id": 42, "amount_eur": 20}
    refund = result.tool_calls[-1]
    # The step keeps what the model asked for, and the edit beside it.
    assert json.loads(refund.function.arguments) == {"order_id": 42, "amount_eur": 30}
    assert refund.approval is not None and refund.approval.arguments == edit.arguments
    assert refund.function.output == "refunded 20.0 EUR on order 42"


@pytest.mark.parametrize(
    ("approvals", "problem"),
    [
        ({}, "no decision for call_refund"),
        (
            {"call_refund": True, "call_total": True},
            "no call waiting for approval with id call_total",
        ),
        (
            [ToolApproval.approved("call_refund"), ToolApproval.denied("call_refund")],
            "more than one decision for call_refund",
        ),
        (
            [ToolApproval.approved("call_refund", arguments="[1]")],
            "the edited arguments for call_refund are not a JSON object",
        ),
        ([{"tool_call_id": "call_refund"}], "Not a valid approval"),
    ],
)
async def test_bad_decisions_are_refused_and_the_run_stays_paused(
    tmp_path: Path, approvals: Any, problem: str
) -> None:
    fake = FakeOpenAI(script)
    run_id = await pause(tmp_path / "runs.db", fake)

    async with Runner(SQLiteStore(tmp_path / "runs.db")) as second:
        with pytest.raises(ApprovalsMismatchError, match=problem):
            await second.submit_tool_approvals(make_agent(fake), run_id, approvals)
        assert (await second.store.get_run(run_id)).status == "requires_action"
    assert REFUNDS == []


async def test_outputs_cannot_answer_an_approval_pause(tmp_path: Path) -> None:
    fake = FakeOpenAI(script)
    run_id = await pause(tmp_path / "runs.db", fake)

    async with Runner(SQLiteStore(tmp_path / "runs.db")) as second:
        with pytest.raises(InvalidRunStateError, match="waits for submit_tool_approval, not for"):
            await second.submit_tool_outputs(make_agent(fake), run_id, {"call_refund": "done"})
    assert REFUNDS == []


async def test_two_deciders_at_once_one_wins_and_the_tool_runs_once(tmp_path: Path) -> None:
    fake = FakeOpenAI(script)
    run_id = await pause(tmp_path / "runs.db", fake)

    async with (
        Runner(SQLiteStore(tmp_path / "runs.db")) as one,
        Runner(SQLiteStore(tmp_path / "runs.db")) as two,
    ):
        outcomes = await asyncio.gather(
            one.submit_tool_approvals(make_agent(fake), run_id, {"call_refund": True}),
            two.submit_tool_approvals(make_agent(fake), run_id, {"call_refund": False}),
            return_exceptions=True,
        )

    approving, denying = outcomes
    errors = [o for o in outcomes if isinstance(o, BaseException)]
    assert len(errors) == 1 and isinstance(errors[0], InvalidRunStateError)
    # The refund ran exactly when the approving decision was the one taken.
    assert len(REFUNDS) == (0 if isinstance(approving, BaseException) else 1)
    winner = denying if isinstance(approving, BaseException) else approving
    assert not isinstance(winner, BaseException) and winner.status == "completed"


async def test_a_rule_decides_per_call_from_the_arguments() -> None:
    def large(ctx: RunContext[Any], arguments: dict[str, Any]) -> bool:
        return float(arguments["amount_eur"]) > 100

    @tool(needs_approval=large)
    def refund(amount_eur: float) -> str:
        """Refund an amount."""
        return "ok"

    fake = FakeOpenAI(
        [
            FakeReply.calls(
                FakeToolCall("refund", {"amount_eur": 50}, call_id="small"),
                FakeToolCall("refund", {"amount_eur": 500}, call_id="big"),
            ),
            "done",
        ]
    )
    agent = Agent(name="r", model=ResponsesModel("m", client=fake.client()), tools=[refund])

    result = await agent.run("Two refunds", keep_events=True)

    assert [c.id for c in result.pending_approvals] == ["big"]
    ran = [(e.call_id, e.output) for e in result.events if isinstance(e, ToolCallFinishedEvent)]
    assert ran == [("small", "ok")]


async def test_approvals_come_first_then_the_callers_own_calls() -> None:
    ask_human = ToolDefinition(name="ask_human", parameters={"type": "object", "properties": {}})
    fake = FakeOpenAI(
        [
            FakeReply.calls(
                FakeToolCall("issue_refund", {"order_id": 1, "amount_eur": 5}, call_id="c1"),
                FakeToolCall("ask_human", {}, call_id="c2"),
            ),
            "finished",
        ]
    )
    agent = Agent(
        name="r", model=ResponsesModel("m", client=fake.client()), tools=[issue_refund, ask_human]
    )
    runner = Runner()

    first = await runner.run(agent, "Go")
    second = await runner.submit_tool_approvals(agent, first.run.id, {"c1": True})
    third = await runner.submit_tool_outputs(agent, first.run.id, {"c2": "sure"})

    assert [c.id for c in first.pending_approvals] == ["c1"]
    assert [c.id for c in second.pending_tool_calls] == ["c2"]
    assert REFUNDS == [{"order_id": 1, "amount_eur": 5.0}]
    assert third.output_text == "finished"
    assert fake.requests[-1].tool_outputs() == {"c1": "refunded 5.0 EUR on order 1", "c2": "sure"}
