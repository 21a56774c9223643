"""An agent defined identically in two processes, for the resume-from-another-process test."""

from __future__ import annotations

import asyncio
import sys

from agentkit import Agent, Runner, ToolDefinition
from agentkit.models import ModelRequest
from agentkit.stores import SQLiteStore
from agentkit.testing import FunctionInfo, FunctionModel, ModelTurn, call_tool, text


def script(request: ModelRequest, info: FunctionInfo) -> ModelTurn:
    last = request.items[-1]
    if last.kind == "tool_output":
        return text(f"The manager said: {last.output}")
    return ModelTurn(tool_calls=(call_tool("approve", {"amount": 120}, call_id="call_approve"),))


def build_agent() -> Agent:
    approve = ToolDefinition(name="approve", description="Ask a manager to approve a refund.")
    return Agent(name="refunds", model=FunctionModel(script), tools=[approve])


async def pause(path: str) -> None:
    async with Runner(SQLiteStore(path)) as runner:
        result = await runner.run(build_agent(), "Refund order 42")
        print(result.run.id, result.status)


if __name__ == "__main__":
    asyncio.run(pause(sys.argv[1]))
