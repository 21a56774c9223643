"""Tool approvals: large refunds wait for a person, who approves, denies or edits them later.

``issue_refund`` is an ordinary ``@tool``; ``needs_approval`` says which calls wait: refunds
over 25 EUR. Such a call pauses the run in ``requires_action`` (``submit_tool_approval``),
saved in a SQLite file. Later, in another process, a person decides; agentkit runs the tool
(with the edited amount, if it was edited) or tells the model it was denied, and why::

    python examples/tool_approvals/refund_desk.py start "Refund 30 EUR on order 42"
    python examples/tool_approvals/refund_desk.py pending
    python examples/tool_approvals/refund_desk.py approve run_...
    python examples/tool_approvals/refund_desk.py deny run_... "Refunds need a receipt."
    python examples/tool_approvals/refund_desk.py edit run_... 20

The file is ``refunds.db`` in the current directory (``--db PATH`` to change it). Offline: a
scripted model stands in.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import re
from typing import Any

from agentkit import Agent, RunContext, Runner, ToolApproval, tool
from agentkit.models import ModelRequest
from agentkit.stores import SQLiteStore
from agentkit.testing import FunctionInfo, FunctionModel, ModelTurn, call_tool, text


def large(ctx: RunContext[Any], arguments: dict[str, Any]) -> bool:
    """Refunds over 25 EUR need a person's approval."""
    return float(arguments.get("amount_eur", 0)) > 25


@tool(needs_approval=large)
def issue_refund(order_id: int, amount_eur: float) -> str:
    """Refund an order.

    Args:
        order_id: the order.
        amount_eur: how much to refund, in euros.
    """
    return f"refunded {amount_eur:g} EUR on order {order_id}"


def offline_model(request: ModelRequest, info: FunctionInfo) -> ModelTurn:
    """A scripted model: refund what the customer asked for, then report what happened."""
    last = request.items[-1]
    if last.kind == "tool_output":
        return text(f"Refund request answered: {last.output}")
    asked = re.search(r"(\d+) EUR on order (\d+)", last.text if last.kind == "user" else "")
    amount, order = (int(asked[1]), int(asked[2])) if asked else (0, 0)
    arguments = {"order_id": order, "amount_eur": amount}
    return ModelTurn(tool_calls=(call_tool("issue_refund", arguments),))


# Every process builds the same agent: runs are stored, agents are code.
agent = Agent(
    name="refunds",
    instructions="Help customers with refunds; use issue_refund.",
    model=FunctionModel(offline_model),
    tools=[issue_refund],
)


async def start(runner: Runner, request: str) -> None:
    result = await runner.run(agent, request)
    print(f"run {result.run.id} is {result.status}")
    for call in result.pending_approvals:
        print(f"  waiting for approval: {call.function.name}({call.function.arguments})")
    if result.status == "completed":
        print(f"  {result.output_text}")


async def pending(runner: Runner) -> None:
    for run in await runner.store.active_runs():
        if run.required_action is not None and run.required_action.type == "submit_tool_approval":
            for call in run.required_action.tool_calls:
                print(f"{run.id}: {call.function.name}({call.function.arguments})")


async def decide(runner: Runner, run_id: str, how: str, detail: str | None) -> None:
    run = await runner.store.get_run(run_id)
    if run.required_action is None or run.required_action.type != "submit_tool_approval":
        raise SystemExit(f"{run_id} is {run.status}: nothing to approve")
    decisions = []
    for call in run.required_action.tool_calls:
        if how == "approve":
            decisions.append(ToolApproval.approved(call.id))
        elif how == "deny":
            decisions.append(ToolApproval.denied(call.id, detail or ""))
        else:
            edited = {**json.loads(call.function.arguments), "amount_eur": float(detail or 0)}
            decisions.append(ToolApproval.approved(call.id, arguments=edited))
    result = await runner.submit_tool_approvals(agent, run_id, decisions)
    print(f"run {run_id} is {result.status}: {result.output_text}")


async def main() -> None:
    parser = argparse.ArgumentParser(description="Refunds that a person approves.")
    parser.add_argument("--db", default="refunds.db", help="the SQLite file runs are kept in")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("start").add_argument("request")
    commands.add_parser("pending")
    for name in ("approve", "deny", "edit"):
        command = commands.add_parser(name)
        command.add_argument("run_id")
        if name != "approve":
            command.add_argument("detail", help="deny: the reason; edit: the amount in EUR")
    args = parser.parse_args()

    async with Runner(SQLiteStore(args.db)) as runner:
        if args.command == "start":
            await start(runner, args.request)
        elif args.command == "pending":
            await pending(runner)
        else:
            await decide(runner, args.run_id, args.command, getattr(args, "detail", None))


if __name__ == "__main__":
    asyncio.run(main())
