"""Wall time of one turn that fans out to N tool calls of 100 ms, async and sync tools.

Run: ``python bench/bench_dispatch.py [--calls N] [--repeat R]``. Prints the median turn time
beside the serial time (N x 100 ms); no assertions. The unit tests check that the calls
overlap; how close the turn gets to a single call's 100 ms is measured here.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time

from agentkit import Agent, Runner, tool
from agentkit.models import ModelRequest
from agentkit.testing import FunctionInfo, FunctionModel, ModelTurn, call_tool

CALL_SECONDS = 0.1


@tool
async def wait_async(i: int) -> str:
    """Wait 100 ms without blocking the loop."""
    await asyncio.sleep(CALL_SECONDS)
    return str(i)


@tool
def wait_sync(i: int) -> str:
    """Block 100 ms, as a sync client call would (runs in a worker thread)."""
    time.sleep(CALL_SECONDS)
    return str(i)


def fan_out(name: str, calls: int) -> FunctionModel:
    def script(request: ModelRequest, info: FunctionInfo) -> ModelTurn:
        if info.turn > 1:
            return ModelTurn(text="done")
        return ModelTurn(tool_calls=tuple(call_tool(name, {"i": i}) for i in range(calls)))

    return FunctionModel(script)


async def turn_seconds(name: str, calls: int, repeat: int) -> list[float]:
    runner = Runner()
    agent = Agent(name="bench", model=fan_out(name, calls), tools=[wait_async, wait_sync])
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        result = await runner.run(agent, "go")
        times.append(time.perf_counter() - started)
        assert result.status == "completed", result.last_error
    await runner.aclose()
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=8)
    parser.add_argument("--repeat", type=int, default=20)
    options = parser.parse_args()
    one = CALL_SECONDS * 1000
    print(
        f"{options.calls} calls of {one:.0f} ms in one turn (serial: {options.calls * one:.0f} ms)"
    )
    for name in ("wait_async", "wait_sync"):
        times = asyncio.run(turn_seconds(name, options.calls, options.repeat))
        median, worst = statistics.median(times) * 1000, max(times) * 1000
        print(f"  {name:<10}  median {median:6.1f} ms   max {worst:6.1f} ms")


if __name__ == "__main__":
    main()
