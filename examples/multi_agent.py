"""Several agents: a handoff to a specialist, and an agent used as another's tool.

- ``triage`` hands the conversation to ``billing`` (``handoffs=[billing]``): billing answers
  from then on, in the same thread, and each message records which agent wrote it; the next
  run on the thread goes straight to billing.
- ``billing`` asks ``policy`` through a tool (``policy.as_tool()``): each call is a run of its
  own, recorded and linked from billing's step, its tokens counted in billing's run.

Offline: scripted models stand in for the three agents.

Run it: ``python examples/multi_agent.py``.
"""

from __future__ import annotations

import asyncio

from agentkit import Agent, Runner
from agentkit.models import ModelRequest
from agentkit.testing import FunctionInfo, FunctionModel, ModelTurn, call_tool, text


def triage_model(request: ModelRequest, info: FunctionInfo) -> ModelTurn:
    """Anything about money goes to billing."""
    return ModelTurn(tool_calls=(call_tool("transfer_to_billing"),))


def billing_model(request: ModelRequest, info: FunctionInfo) -> ModelTurn:
    """Ask the policy expert, then answer with what it said."""
    last = request.items[-1]
    if last.kind == "tool_output" and last.call_id == "call_policy":
        return text(f"Billing here: {last.output} I have started your refund.")
    if last.kind == "user":
        return text("Billing here: anything else about your invoice?")
    question = {"input": "Can a customer get a refund 20 days after buying?"}
    return ModelTurn(tool_calls=(call_tool("policy", question, call_id="call_policy"),))


def policy_model(request: ModelRequest, info: FunctionInfo) -> ModelTurn:
    return text("Yes: refunds are allowed within 30 days.")


async def main() -> None:
    policy = Agent(
        name="policy",
        description="Knows the refund policy.",
        model=FunctionModel(policy_model),
    )
    billing = Agent(
        name="billing",
        instructions="You handle invoices and refunds.",
        description="Invoices, payments and refunds.",
        model=FunctionModel(billing_model),
        tools=[policy.as_tool()],
    )
    triage = Agent(
        name="triage",
        instructions="Send each customer to the right team.",
        model=FunctionModel(triage_model),
        handoffs=[billing],
    )
    runner = Runner()

    first = await runner.run(triage, "I was charged twice, can I get a refund?")
    second = await runner.run(triage, "No, that is all. Thanks!", thread=first.thread_id)

    for message in await runner.store.list_messages(first.thread_id):
        print(f"{message.assistant_id or 'user'}: {message.text}")
    for call in first.tool_calls:
        link = f" (run {call.sub_run.assistant_id})" if call.sub_run else ""
        print(f"[tool] {call.function.name} -> {call.function.output}{link}")
    print(f"run assistant: {first.run.assistant_id}, {first.usage.requests} model requests")
    print(f"second run answered by: {second.messages[-1].assistant_id}")


if __name__ == "__main__":
    asyncio.run(main())
