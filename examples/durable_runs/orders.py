"""A worker dies in the middle of a run; the next start continues the run where it was.

The agent places an order with three tools, called in parallel. ``charge_card`` finishes
quickly; then the worker dies (``print_label`` ends the process with ``os._exit``, as a
crash or ``kill -9`` would) while ``fetch_rates`` and ``print_label`` are still running::

    python examples/durable_runs/orders.py start      # the process dies mid-run
    python examples/durable_runs/orders.py recover    # continues the run, prints each call

Recovery (`Runner.recover`) takes the run up from what was recorded: the card charge had
finished, so it is kept and never made again; ``fetch_rates`` is declared idempotent, so it
runs again; ``print_label`` is not, so the model is told it was interrupted instead of it
running twice. The file is ``orders.db`` in the current directory; charges are appended to
``ledger.txt`` there, one line each.
"""

from __future__ import annotations

import argparse
import asyncio
import os
from pathlib import Path

from agentkit import Agent, RunContext, Runner, tool
from agentkit.models import ModelRequest
from agentkit.records import ToolCallsStepDetails
from agentkit.stores import SQLiteStore
from agentkit.testing import FunctionInfo, FunctionModel, ModelTurn, call_tool, text

LEDGER = Path("ledger.txt")


@tool
def charge_card(amount_eur: int) -> str:
    """Charge the customer's card (not idempotent: each call charges again).

    Args:
        amount_eur: how much to charge.
    """
    with LEDGER.open("a") as ledger:
        ledger.write(f"charged {amount_eur} EUR\n")
    return f"charged {amount_eur} EUR"


@tool(idempotent=True)
async def fetch_rates() -> str:
    """Today's exchange rate (idempotent: asking twice changes nothing)."""
    await asyncio.sleep(0.3)
    return "1 EUR = 1.08 USD"


@tool
async def print_label(ctx: RunContext[bool]) -> str:
    """Print the shipping label (not idempotent: each call prints one more)."""
    await asyncio.sleep(0.1)
    if ctx.deps:  # the worker "crashes" here, with two calls still running
        os._exit(1)
    return "label printed"


def offline_model(request: ModelRequest, info: FunctionInfo) -> ModelTurn:
    """Scripted stand-in for a model: place the order, then report what each call said."""
    outputs = [item.output for item in request.items if item.kind == "tool_output"]
    if outputs:
        return text("Order placed. " + " | ".join(outputs))
    calls = (call_tool("charge_card", {"amount_eur": 30}), call_tool("fetch_rates", {}))
    return ModelTurn(tool_calls=(*calls, call_tool("print_label", {})))


# Both processes build the same agent: runs are stored, agents are code.
agent = Agent(
    name="Orders",
    model=FunctionModel(offline_model),
    tools=[charge_card, fetch_rates, print_label],
)


async def start(runner: Runner) -> None:
    async for event in runner.iter_run(agent, "Order a lamp for 30 EUR", deps=True):
        if event.kind == "run.status":
            print(f"run {event.run.id} is {event.status}", flush=True)


async def recover(runner: Runner) -> None:
    for run in await runner.recover([agent], deps=False):
        print(f"recovered run {run.id}: {run.status}")
        for step in await runner.store.list_steps(run.id):
            if isinstance(step.step_details, ToolCallsStepDetails):
                for call in step.step_details.tool_calls:
                    print(f"  {call.function.name}: {call.function.output}")
        [*_, answer] = await runner.store.list_messages(run.thread_id)
        print(f"  answer: {answer.text}")
    print(f"ledger: {len(charges())} charge(s)")


def charges() -> list[str]:
    return LEDGER.read_text().splitlines() if LEDGER.exists() else []


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("command", choices=["start", "recover"])
    parser.add_argument("--db", default="orders.db")
    args = parser.parse_args()
    async with Runner(SQLiteStore(args.db)) as runner:
        await (start(runner) if args.command == "start" else recover(runner))


if __name__ == "__main__":
    asyncio.run(main())
