"""A human approves a tool call: the run pauses, and another process resumes it later.

``issue_refund`` is a bare `ToolDefinition`: agentkit cannot run it, so when the model calls
it the run stops in ``requires_action`` and is saved in a SQLite file. Later, maybe in
another process or on another machine sharing the file, a person approves (the refund is
made and its result submitted) or denies it, and the run continues where it stopped::

    python examples/human_approval/refunds.py start "Refund 30 EUR on order 42"
    python examples/human_approval/refunds.py pending
    python examples/human_approval/refunds.py approve run_...   # or: deny run_...

The file is ``refunds.db`` in the current directory (``--db PATH`` to change it).
"""

from __future__ import annotations

import argparse
import asyncio
import json

from agentkit import Agent, Runner, ToolDefinition
from agentkit.models import ModelRequest
from agentkit.stores import SQLiteStore
from agentkit.testing import FunctionInfo, FunctionModel, ModelTurn, call_tool, text

issue_refund = ToolDefinition(
    name="issue_refund",
    description="Refund an order. A person must approve every refund.",
    parameters={
        "type": "object",
        "properties": {"order_id": {"type": "integer"}, "amount_eur": {"type": "number"}},
        "required": ["order_id", "amount_eur"],
    },
)


def offline_agent_model(request: ModelRequest, info: FunctionInfo) -> ModelTurn:
    """Scripted stand-in for a model: ask for the refund, then report what happened."""
    last = request.items[-1]
    if last.kind == "tool_output":
        return text(f"Refund request answered: {last.output}")
    return ModelTurn(tool_calls=(call_tool("issue_refund", {"order_id": 42, "amount_eur": 30}),))


# Both processes build the same agent: runs are stored, agents are code.
agent = Agent(
    name="Refunds",
    instructions="Help customers with refunds. Use issue_refund; a person approves each one.",
    model=FunctionModel(offline_agent_model),
    tools=[issue_refund],
)


def make_refund(arguments: str) -> str:
    """What approving does: here the refund would be sent to the payment provider."""
    refund = json.loads(arguments)
    return f"approved: {refund['amount_eur']} EUR refunded on order {refund['order_id']}"


async def start(runner: Runner, request: str) -> None:
    result = await runner.run(agent, request)
    print(f"run {result.run.id} is {result.status}")
    for call in result.pending_tool_calls:
        print(f"  waiting for approval: {call.function.name}({call.function.arguments})")


async def pending(runner: Runner) -> None:
    for run in await runner.store.active_runs():
        if run.required_action is not None:
            for call in run.required_action.submit_tool_outputs.tool_calls:
                print(f"{run.id}: {call.function.name}({call.function.arguments})")


async def decide(runner: Runner, run_id: str, approved: bool) -> None:
    run = await runner.store.get_run(run_id)
    if run.required_action is None:
        raise SystemExit(f"{run_id} is {run.status}: nothing to approve")
    outputs = {
        call.id: make_refund(call.function.arguments) if approved else "denied by a person"
        for call in run.required_action.submit_tool_outputs.tool_calls
    }
    result = await runner.submit_tool_outputs(agent, run_id, outputs)
    print(f"run {run_id} is {result.status}: {result.output_text}")


async def main() -> None:
    parser = argparse.ArgumentParser(description="Refunds that a person approves.")
    parser.add_argument("--db", default="refunds.db", help="the SQLite file runs are kept in")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("start").add_argument("request")
    commands.add_parser("pending")
    for name in ("approve", "deny"):
        commands.add_parser(name).add_argument("run_id")
    args = parser.parse_args()

    async with Runner(SQLiteStore(args.db)) as runner:
        if args.command == "start":
            await start(runner, args.request)
        elif args.command == "pending":
            await pending(runner)
        else:
            await decide(runner, args.run_id, approved=args.command == "approve")


if __name__ == "__main__":
    asyncio.run(main())
