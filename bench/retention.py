"""Memory the default runner keeps: 5,000 sequential ``agent.run()`` calls, no HTTP.

A scripted model (one tool call, then the answer: a W1-shaped run) and the agent's own
runner, as ``Agent(...).run()`` uses with no options. After every 1,000 runs the collector
runs and the memory still allocated (tracemalloc) is printed: flat means bounded.

    .venv/bin/python bench/retention.py              # 5,000 runs
    .venv/bin/python bench/retention.py --runs 2000
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import tracemalloc

from agentkit import Agent, tool
from agentkit.models import ModelRequest
from agentkit.testing import FunctionInfo, FunctionModel, ModelTurn, call_tool, text


def _script(request: ModelRequest, info: FunctionInfo) -> ModelTurn:
    if info.turn == 1:
        return ModelTurn(tool_calls=(call_tool("lookup", {"i": 0}),))
    return text("Done: 1 results.")


async def _lookup(i: int) -> str:
    return f"item {i}"


def _retained_kib() -> float:
    gc.collect()
    return tracemalloc.get_traced_memory()[0] / 1024


async def main(runs: int, every: int) -> None:
    agent = Agent(
        name="bench",
        model=FunctionModel(_script),
        tools=[tool(name="lookup", description="A benchmark tool.")(_lookup)],
    )
    for _ in range(20):  # warm-up: caches, schemas, the runner itself
        await agent.run("calls=1")
    tracemalloc.start()
    start = _retained_kib()
    print("| runs | retained KiB (tracemalloc, after gc) | per run since start |")
    print("|---|---|---|")
    for done in range(1, runs + 1):
        result = await agent.run("calls=1")
        assert result.status == "completed", result.last_error
        del result
        if done % every == 0:
            kib = _retained_kib() - start
            print(f"| {done} | {kib:.0f} | {kib / done * 1024:.0f} B |", flush=True)
    tracemalloc.stop()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5000)
    parser.add_argument("--every", type=int, default=1000)
    args = parser.parse_args()
    asyncio.run(main(args.runs, args.every))
