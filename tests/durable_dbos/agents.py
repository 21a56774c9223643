"""Agents the DBOS tests run, in the test process and in worker processes (``agentkit worker
tests/durable_dbos/agents.py:batch``).

Their tools count side effects: every call appends ``<run_id> <call_id> started|finished`` to
the file named by ``AGENTKIT_TEST_LEDGER`` (one ``write`` each, so a line is never torn), so a
test can tell whether a finished call was ever run twice.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator, Sequence
from typing import Any

from agentkit import Agent, RunContext, tool
from agentkit.models import Model, ModelRequest, ModelResponseDone, ModelTextDelta, TestModel
from agentkit.models.request import ToolOutputItem
from agentkit.tools.definition import ToolDefinition
from agentkit.toolsets import AnyTool, Toolset
from agentkit.usage import Usage


def _note(ctx: RunContext[Any], what: str) -> None:
    path = os.environ.get("AGENTKIT_TEST_LEDGER")
    if path:
        fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        try:
            os.write(fd, f"{ctx.run_id} {ctx.call_id} {what}\n".encode())
        finally:
            os.close(fd)


def _slow_tool(name: str, seconds: float) -> Any:
    @tool(name=name)
    async def slow(ctx: RunContext[Any], item: str) -> str:
        """Take a while, then say which item it did."""
        _note(ctx, "started")
        await asyncio.sleep(seconds)
        _note(ctx, "finished")
        return f"{name} did {item}"

    return slow


@tool
def add(a: int, b: int) -> int:
    """Add two numbers."""
    return a + b


calc = Agent(name="calc", id="asst_calc", model=TestModel(), tools=[add])
"""One quick tool, then an answer."""

batch = Agent(
    name="batch",
    id="asst_batch",
    model=TestModel(),
    tools=[_slow_tool("fetch", 0.3), _slow_tool("search", 0.6), _slow_tool("compute", 0.9)],
)
"""Three tools in one parallel batch, finishing 0.3 s apart, then an answer."""


class SlowTextModel(Model):
    """Streams its answer in 20 deltas, 50 ms apart (a kill lands mid-stream)."""

    model_name = "slow-text"
    provider = "test"

    async def stream(self, request: ModelRequest) -> AsyncIterator[Any]:
        outputs = [item for item in request.items if isinstance(item, ToolOutputItem)]
        for i in range(20):
            await asyncio.sleep(0.05)
            yield ModelTextDelta(f"word{i} ")
        yield ModelResponseDone(None, "stop", Usage(1, 10, 20 + len(outputs)))


talker = Agent(name="talker", id="asst_talker", model=SlowTextModel())
"""A one-second streamed answer, no tools."""

lookup = ToolDefinition(
    name="lookup",
    description="Look a key up (answered by the caller).",
    parameters={
        "type": "object",
        "properties": {"key": {"type": "string"}},
        "required": ["key"],
        "additionalProperties": False,
    },
)
asker = Agent(name="asker", id="asst_asker", model=TestModel(), tools=[lookup])
"""Pauses in requires_action for the caller's ``lookup``, then answers from its output."""


class LateToolset(Toolset):
    """Knows its tool only once prepared (as an MCP server does); counts the preparations."""

    def __init__(self) -> None:
        self.prepared = 0
        self.closed = 0
        self._tools: tuple[AnyTool, ...] = ()

    def tools(self) -> Sequence[AnyTool]:
        return self._tools

    async def prepare(self) -> None:
        self.prepared += 1
        self._tools = (add,)

    async def aclose(self) -> None:
        self.closed += 1


def late_agent(tools: LateToolset) -> Agent:
    """An agent whose only tool comes from a `LateToolset`."""
    return Agent(name="late", id="asst_late", model=TestModel(), tools=[tools])


late = late_agent(LateToolset())
"""The caller's instance; the worker drives `late_on_worker`, with a toolset of its own."""
late_on_worker_tools = LateToolset()
late_on_worker = late_agent(late_on_worker_tools)
