"""Handoffs: who writes each message, what the handed-to agent sees, and the next run."""

from __future__ import annotations

from pathlib import Path

import pytest

from agentkit import Agent, Handoff, Runner, tool
from agentkit.events import HandoffEvent
from agentkit.exceptions import UserError
from agentkit.models import ResponsesModel
from agentkit.remote import RemoteRunner
from agentkit.stores import SQLiteStore
from agentkit.testing import FakeOpenAI, FakeReply, FakeRequest, FakeToolCall


@tool(needs_approval=True)
def refund(order_id: int) -> str:
    """Refund an order."""
    return f"refunded order {order_id}"


def triage_script(request: FakeRequest) -> FakeReply | str:
    return FakeReply.calls(FakeToolCall("transfer_to_billing", {}, call_id="call_handoff"))


def billing_script(request: FakeRequest) -> FakeReply | str:
    outputs = request.tool_outputs()
    if "Refund" in request.last_user_text and "call_refund" not in outputs:
        return FakeReply.calls(FakeToolCall("refund", {"order_id": 42}, call_id="call_refund"))
    return f"Billing here. {outputs.get('call_refund', 'How can I help?')}"


class Team:
    def __init__(self) -> None:
        self.triage_fake = FakeOpenAI(triage_script)
        self.billing_fake = FakeOpenAI(billing_script)
        self.billing = Agent(
            name="billing",
            instructions="You handle invoices and refunds.",
            description="Invoices, payments and refunds.",
            model=ResponsesModel("billing-model", client=self.billing_fake.client()),
            tools=[refund],
        )
        self.triage = Agent(
            name="triage",
            instructions="Send each customer to the right team.",
            model=ResponsesModel("triage-model", client=self.triage_fake.client()),
            handoffs=[self.billing],
        )
        self.billing.add_handoffs(self.triage)


async def test_after_a_handoff_the_other_agent_answers_and_writes_the_message() -> None:
    team = Team()
    runner = Runner()

    result = await runner.run(team.triage, "My invoice is wrong", keep_events=True)

    assert result.status == "completed"
    assert result.output_text == "Billing here. How can I help?"
    assert result.run.assistant_id == team.triage.id  # the run keeps its assistant
    messages = await runner.store.list_messages(result.thread_id)
    assert [(m.role, m.assistant_id) for m in messages] == [
        ("user", None),
        ("assistant", team.billing.id),
    ]
    steps = {s.type: s.assistant_id for s in result.steps}
    assert steps == {"tool_calls": team.triage.id, "message_creation": team.billing.id}
    [handoff] = [e for e in result.events if isinstance(e, HandoffEvent)]
    assert handoff == HandoffEvent(team.triage.id, team.billing.id, "billing", "call_handoff")
    assert [c.function.output for c in result.tool_calls] == ["Transferred to billing."]
    # Billing's model got billing's instructions and tools, and the whole conversation.
    sent = team.billing_fake.bodies[0]
    assert sent["instructions"] == "You handle invoices and refunds."
    assert [t["name"] for t in sent["tools"]] == ["refund", "transfer_to_triage"]
    assert [i.get("type", i.get("role")) for i in sent["input"]] == [
        "user",
        "function_call",
        "function_call_output",
    ]
    assert result.run.instructions == "You handle invoices and refunds."
    assert result.run.model == "billing-model"


async def test_the_next_run_continues_with_the_agent_that_has_the_conversation() -> None:
    team = Team()
    runner = Runner()
    first = await runner.run(team.triage, "My invoice is wrong")

    second = await runner.run(team.triage, "Also, hello", thread=first.thread_id, keep_events=True)

    assert len(team.triage_fake.requests) == 1  # triage was not asked again
    assert second.output_text == "Billing here. How can I help?"
    [event] = [e for e in second.events if isinstance(e, HandoffEvent)]
    assert (event.to_agent, event.call_id) == (team.billing.id, None)
    messages = await runner.store.list_messages(first.thread_id)
    assert [m.assistant_id for m in messages if m.role == "assistant"] == [team.billing.id] * 2


async def test_a_run_paused_after_a_handoff_resumes_with_that_agent(tmp_path: Path) -> None:
    team = Team()
    db = tmp_path / "runs.db"
    async with Runner(SQLiteStore(db)) as first:
        paused = await first.run(team.triage, "Refund order 42")
    assert [c.id for c in paused.pending_approvals] == ["call_refund"]

    async with Runner(SQLiteStore(db)) as second:
        # The caller names the agent it started; the run goes on with billing.
        result = await second.submit_tool_approvals(
            team.triage, paused.run.id, {"call_refund": True}
        )
        messages = await second.store.list_messages(result.thread_id)

    assert result.output_text == "Billing here. refunded order 42"
    assert messages[-1].assistant_id == team.billing.id
    assert len(team.triage_fake.requests) == 1


def test_two_handoffs_alike_or_agents_with_one_id_are_user_errors() -> None:
    billing = Agent(name="billing", model="test")
    with pytest.raises(UserError, match="two tools are named 'transfer_to_billing'"):
        Agent(name="triage", model="test", handoffs=[billing, Handoff(billing)])


def test_agents_with_the_same_id_cannot_hand_off_to_each_other() -> None:
    twin = Agent(name="billing", model="test")
    Agent(name="triage", model="test", handoffs=[twin])

    with pytest.raises(UserError, match="two agents reachable through handoffs have the id"):
        twin.add_handoffs(Handoff(Agent(name="billing", model="test"), name="transfer_to_twin"))
    assert twin.handoffs == ()


async def test_the_remote_runner_refuses_handoffs_and_typed_output() -> None:
    team = Team()
    runner = RemoteRunner(team.triage_fake.client())
    typed = Agent(name="typed", model="test", output_type=list[int])
    with pytest.raises(UserError, match="has handoffs, which RemoteRunner cannot run"):
        await runner.run(team.triage, "hi")
    with pytest.raises(UserError, match="has an output_type, which RemoteRunner cannot run"):
        await runner.run(typed, "hi")
