"""Decoration time per tool and ``invoke`` overhead per call, against calling the function.

Run: ``python bench/bench_tools.py [--calls N]``. Prints medians; no assertions.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time
from collections.abc import Awaitable, Callable
from typing import Any

from pydantic import BaseModel

from agentkit.tools import tool


class Address(BaseModel):
    street: str
    city: str


def noop() -> None:
    return None


async def anoop() -> None:
    return None


def typical(city: str, days: int = 3, units: str = "c", address: Address | None = None) -> str:
    """A typical tool.

    Args:
        city: The city.
        days: How many days.
        units: Units.
        address: Where exactly.
    """
    return city


def median_ns(samples: list[int]) -> float:
    return statistics.median(samples)


def time_sync(fn: Callable[[], Any], n: int) -> float:
    samples = []
    for _ in range(n):
        start = time.perf_counter_ns()
        fn()
        samples.append(time.perf_counter_ns() - start)
    return median_ns(samples)


async def time_async(fn: Callable[[], Awaitable[Any]], n: int) -> float:
    samples = []
    for _ in range(n):
        start = time.perf_counter_ns()
        await fn()
        samples.append(time.perf_counter_ns() - start)
    return median_ns(samples)


def bench_decoration(n: int) -> None:
    print("decoration (median per tool)")
    for fn in (noop, anoop, typical):
        per = time_sync(lambda fn=fn: tool(fn), n)  # type: ignore[misc]
        print(f"  {fn.__name__:<10} {per / 1000:10.1f} µs")


async def bench_invoke(n: int) -> None:
    sync_tool, async_tool, typical_tool = tool(noop), tool(anoop), tool(typical)
    rows = [
        ("sync no-op", time_sync(noop, n), await time_async(lambda: sync_tool.invoke("{}"), n)),
        (
            "async no-op",
            await time_async(anoop, n),
            await time_async(lambda: async_tool.invoke("{}"), n),
        ),
        (
            "typical (sync)",
            time_sync(lambda: typical("Oslo"), n),
            await time_async(lambda: typical_tool.invoke('{"city": "Oslo", "days": 2}'), n),
        ),
    ]
    print(f"invoke overhead (median of {n} calls)")
    print(f"  {'tool':<16}{'direct':>12}{'invoke':>12}{'overhead':>12}")
    for name, direct, invoked in rows:
        print(
            f"  {name:<16}{direct / 1000:10.2f}µs{invoked / 1000:10.2f}µs"
            f"{(invoked - direct) / 1000:10.2f}µs"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--calls", type=int, default=2000)
    parser.add_argument("--decorations", type=int, default=200)
    args = parser.parse_args()
    bench_decoration(args.decorations)
    asyncio.run(bench_invoke(args.calls))


if __name__ == "__main__":
    main()
