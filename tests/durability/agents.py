"""The agents the kill tests drive, defined identically in the worker and the test process.

Tools write their side effects to the file passed as ``deps`` (one line per effect, with the
call id), so a test can count how many times each call really ran. A process killed with
``kill -9`` keeps every line it wrote: each ``write`` is a system call that completed.
"""

from __future__ import annotations

import asyncio
import json
import os
from pathlib import Path

from openai import AsyncOpenAI

from agentkit import Agent, RunContext, tool
from agentkit.limits import RunLimits
from agentkit.models import ModelRequest, ResponsesModel
from agentkit.testing import FunctionInfo, FunctionModel, ModelTurn, call_tool
from agentkit.tools import ToolDefinition

SENDS = 4
STREAMED_ANSWER = "All four messages went out; " + "the details follow. " * 12


def effect(ctx: RunContext[Path], text: str) -> None:
    """Append one line to the side-effect file, in one write."""
    fd = os.open(ctx.deps, os.O_WRONLY | os.O_APPEND | os.O_CREAT)
    try:
        os.write(fd, f"{text}\n".encode())
    finally:
        os.close(fd)


def effects(path: Path) -> list[str]:
    return path.read_text().splitlines() if path.exists() else []


@tool
async def send(ctx: RunContext[Path], i: int) -> str:
    """Send message ``i`` (not idempotent: each call sends once more).

    Args:
        i: which message.
    """
    await asyncio.sleep(0.08 * (i + 1))
    effect(ctx, f"send {ctx.call_id}")
    return f"sent {i}"


@tool(idempotent=True)
async def lookup(ctx: RunContext[Path]) -> str:
    """Look up the recipient list (idempotent: running it twice changes nothing)."""
    await asyncio.sleep(0.12)
    effect(ctx, f"lookup {ctx.call_id}")
    return "4 recipients"


def _batch_turn(request: ModelRequest, info: FunctionInfo) -> ModelTurn:
    outputs = [item.output for item in request.items if item.kind == "tool_output"]
    if not outputs:
        calls = [call_tool("send", {"i": i}, call_id=f"call_send_{i}") for i in range(SENDS)]
        return ModelTurn(tool_calls=(*calls, call_tool("lookup", {}, call_id="call_lookup")))
    return ModelTurn(text="Done: " + json.dumps(outputs))


def batch_agent() -> Agent[Path]:
    """Calls ``send`` four times and ``lookup`` once, in parallel, then answers."""
    return Agent(name="batch", model=FunctionModel(_batch_turn), tools=[send, lookup])


def fake_client(base_url: str) -> AsyncOpenAI:
    return AsyncOpenAI(base_url=base_url, api_key="sk-durability-fake", max_retries=0)


def stream_agent(client: AsyncOpenAI) -> Agent[Path]:
    """Talks to a `FakeOpenAI` over HTTP: one ``send`` call, then a slowly streamed answer."""
    return Agent(name="streamer", model=ResponsesModel("gpt-test", client=client), tools=[send])


async def _approval_turn(request: ModelRequest, info: FunctionInfo) -> ModelTurn:
    outputs = [item.output for item in request.items if item.kind == "tool_output"]
    if not outputs:
        return ModelTurn(tool_calls=(call_tool("approve", {}, call_id="call_approve"),))
    if len(outputs) == 1:
        await asyncio.sleep(0.15)  # a model thinking: a window for the kill
        return ModelTurn(tool_calls=(call_tool("send", {"i": 0}, call_id="call_send_after"),))
    return ModelTurn(text=f"Approved ({outputs[0]}), then {outputs[1]}.")


def approval_agent() -> Agent[Path]:
    """Pauses for the caller's ``approve``, then sends once and answers."""
    approve = ToolDefinition(name="approve", description="A manager approves.")
    return Agent(name="approval", model=FunctionModel(_approval_turn), tools=[approve, send])


@tool
async def work(ctx: RunContext[Path], i: int) -> str:
    """Do piece ``i`` of a long job.

    Args:
        i: which piece.
    """
    effect(ctx, f"start {ctx.call_id}")
    await asyncio.sleep(0.15)
    effect(ctx, f"end {ctx.call_id}")
    return f"piece {i} done"


def _job_turn(request: ModelRequest, info: FunctionInfo) -> ModelTurn:
    if info.turn == 1:
        return ModelTurn(
            tool_calls=tuple(
                call_tool("work", {"i": i}, call_id=f"call_work_{i}") for i in range(8)
            )
        )
    return ModelTurn(text="job done")


def job_agent() -> Agent[Path]:
    """Eight pieces of work, one at a time (about 1.2 s in all), then an answer."""
    return Agent(
        name="job",
        model=FunctionModel(_job_turn),
        tools=[work],
        limits=RunLimits(max_concurrent_tools=1),
    )
