"""The cost of a thread's history: CPU ms per run at 10, 100, 1,000 and 10,000 prior messages.

A scripted model (one tool call, then the answer: a W1-shaped run, no HTTP) continues one
thread of the agent's own runner (the default configuration) that already holds N messages.
The slope between sizes is the per-prior-message cost each run pays (the goal: <= 3 µs).
The model request's items are built in full at every model call, as an adapter gets them.

    .venv/bin/python bench/long_threads.py
    .venv/bin/python bench/long_threads.py --sizes 10,1000 --runs 50
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time
from typing import Literal

from agentkit import Agent, Runner, tool
from agentkit.models import ModelRequest
from agentkit.models.responses_wire import responses_params
from agentkit.records import Message, Thread
from agentkit.testing import FunctionInfo, FunctionModel, ModelTurn, call_tool, text


def _script(request: ModelRequest, info: FunctionInfo) -> ModelTurn:
    # What a Responses adapter does with the request: the whole conversation in wire shape.
    responses_params(request, model_name="bench", continuation="replay", store=None)
    if info.turn == 1:
        return ModelTurn(tool_calls=(call_tool("lookup", {"i": 0}),))
    return text("Done: 1 results.")


async def _lookup(i: int) -> str:
    return f"item {i}"


async def _thread_with(runner: Runner, size: int) -> str:
    thread = await runner.store.create_thread(Thread())
    for number in range(size):
        role: Literal["user", "assistant"] = "user" if number % 2 == 0 else "assistant"
        said = f"message {number}: " + "a few words of conversation " * 4
        await runner.store.add_message(Message.of_text(thread.id, role, said))
    return thread.id


async def _cpu_ms_per_run(agent: Agent[None], runner: Runner, thread_id: str, runs: int) -> float:
    samples = []
    for _ in range(3):  # warm-up
        await agent.run("calls=1", thread=thread_id, runner=runner)
    for _ in range(runs):
        started = time.process_time()
        result = await agent.run("calls=1", thread=thread_id, runner=runner)
        samples.append((time.process_time() - started) * 1000)
        assert result.status == "completed", result.last_error
    return statistics.median(samples)


async def main(sizes: list[int], runs: int) -> None:
    agent: Agent[None] = Agent(
        name="bench",
        model=FunctionModel(_script),
        tools=[tool(name="lookup", description="A benchmark tool.")(_lookup)],
    )
    runner = agent.runner
    figures = {}
    for size in sizes:
        thread_id = await _thread_with(runner, size)
        figures[size] = await _cpu_ms_per_run(agent, runner, thread_id, runs)
    print("\n### Long threads: CPU ms per run by prior messages (median)\n")
    print("| prior messages | CPU ms/run | µs per prior message (vs the smallest) |")
    print("|---|---|---|")
    smallest = min(sizes)
    for size, ms in figures.items():
        per_message = (ms - figures[smallest]) / max(size - smallest, 1) * 1000
        slope = "-" if size == smallest else f"{per_message:.2f}"
        print(f"| {size:,} | {ms:.2f} | {slope} |")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="10,100,1000,10000")
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()
    asyncio.run(main([int(s) for s in args.sizes.split(",")], args.runs))
