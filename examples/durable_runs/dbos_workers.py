"""Runs on DBOS workers over Postgres: queued by one runner, driven by a worker, resumed by
another runner, all through one database (``pip install 'agentkit-assistants[dbos]'``)::

    AGENTKIT_DATABASE=postgresql://user:password@localhost/agents \\
        python examples/durable_runs/dbos_workers.py

For the example the worker runs in this process; in production it is its own process (or
many), ``agentkit worker --database $AGENTKIT_DATABASE examples/...:support``, on any
machine that reaches the database. If a worker dies, another one continues its runs.
"""

from __future__ import annotations

import asyncio
import os

from agentkit import Agent, Runner, tool
from agentkit.durable import DBOSExecution, DBOSWorker
from agentkit.models import TestModel
from agentkit.stores import PostgresStore
from agentkit.tools.definition import ToolDefinition


@tool
def order_status(order_id: str) -> str:
    """Where an order is."""
    return f"order {order_id} left the warehouse today"


support = Agent(
    name="support", model=TestModel(text="Your order is on its way."), tools=[order_status]
)

approve = ToolDefinition(
    name="approve_refund",
    description="Ask a human to approve a refund (answered by the caller).",
    parameters={"type": "object", "properties": {}, "additionalProperties": False},
)
refunds = Agent(name="refunds", model=TestModel(), tools=[approve])


async def main() -> None:
    url = os.environ["AGENTKIT_DATABASE"]
    async with PostgresStore(url) as store, DBOSWorker(store, [support, refunds]):
        frontend = Runner(PostgresStore(url), execution=DBOSExecution(url))
        result = await frontend.run(support, "Where is order 42?")
        print(f"{result.status}: {result.output_text}")
        print(f"  tool: {result.tool_calls[0].function.output}")

        paused = await frontend.run(refunds, "Refund order 42, please.")
        print(f"{paused.status}: waiting for {paused.pending_tool_calls[0].function.name}")
        # Any other process on the database can answer; here, a second runner.
        backoffice = Runner(PostgresStore(url), execution=DBOSExecution(url))
        outputs = {call.id: "approved by Ada" for call in paused.pending_tool_calls}
        resumed = await backoffice.submit_tool_outputs(refunds, paused.run.id, outputs)
        print(f"{resumed.status}: {resumed.output_text}")
        await backoffice.aclose()
        await frontend.aclose()


if __name__ == "__main__":
    asyncio.run(main())
