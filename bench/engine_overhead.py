"""The engine's own cost per run, with no HTTP and no SDK: CPU ms per W1-shaped run.

A scripted model (agentkit.testing.FunctionModel) asks for one tool call, then answers; so
what is measured is everything agentkit does around the two model calls: the run, its
steps and messages, the store writes, the events, the dispatcher and the tool invocation.

    .venv/bin/python bench/engine_overhead.py            # memory and SQLite, async and sync tool
"""

from __future__ import annotations

import asyncio
import statistics
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

from agentkit import Agent, Runner, tool
from agentkit.models import ModelRequest
from agentkit.stores import SQLiteStore
from agentkit.testing import FunctionInfo, FunctionModel, ModelTurn, call_tool, text


def _script(request: ModelRequest, info: FunctionInfo) -> ModelTurn:
    if info.turn == 1:
        return ModelTurn(tool_calls=(call_tool("lookup", {"i": 0}),))
    return text("Done: 1 results.")


async def _lookup_async(i: int) -> str:
    return f"item {i}"


def _lookup_sync(i: int) -> str:
    return f"item {i}"


def _contender(kind: str, folder: Path) -> Callable[[], Awaitable[object]]:
    func = _lookup_sync if "sync tool" in kind else _lookup_async
    agent = Agent(
        name="bench",
        model=FunctionModel(_script),
        tools=[tool(name="lookup", description="A benchmark tool.")(func)],
    )
    store = SQLiteStore(folder / f"{len(kind)}-{hash(kind)}.db") if "sqlite" in kind else None
    runner = Runner(store)

    async def run() -> object:
        result = await runner.run(agent, "calls=1")
        assert result.status == "completed", result.run.last_error
        return result

    return run


async def main(runs_per_block: int = 100, blocks: int = 10) -> None:
    kinds = ["memory", "memory, sync tool", "sqlite"]
    with tempfile.TemporaryDirectory() as tmp:
        contenders = {kind: _contender(kind, Path(tmp)) for kind in kinds}
        for run in contenders.values():
            for _ in range(50):
                await run()
        cpu: dict[str, list[float]] = {kind: [] for kind in kinds}
        for _ in range(blocks):
            for kind, run in contenders.items():
                started = time.process_time()
                for _ in range(runs_per_block):
                    await run()
                cpu[kind].append((time.process_time() - started) / runs_per_block * 1000)
    print("\n### Engine overhead: one W1-shaped run with a scripted model (no HTTP)\n")
    print("| store, tool | CPU ms per run (median of blocks) | min |")
    print("|---|---|---|")
    for kind, values in cpu.items():
        print(f"| {kind} | {statistics.median(values):.3f} | {min(values):.3f} |")


if __name__ == "__main__":
    asyncio.run(main())
