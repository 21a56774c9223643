"""Where W3's memory goes: Python objects per run while N runs wait in their first model call.

The fake server answers after ``--latency-ms`` (1.5 s), so one second after starting N runs
at once every run is waiting (on the server, or for one of the 100 connections).
tracemalloc then counts what was allocated since the start, per run and per source file;
the JSON floor (the raw loop with agentkit's SDK path) and `agent.run()` in turn.

    .venv/bin/python bench/w3_memory.py              # 1,000 runs, the top 15 files
    .venv/bin/python bench/w3_memory.py --n 300 --rows 30
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import tracemalloc
from collections.abc import Awaitable, Callable
from typing import Any

from fake_server import ServerProcess
from raw_loop import ToolClock, make_client, make_tools, raw_run
from workloads import default_contender


async def waiting(run: Callable[[], Awaitable[Any]], n: int, rows: int) -> None:
    """Start ``n`` runs, snapshot while they wait, print per-run figures, then finish them."""
    await run()  # warm: imports, connections, caches
    gc.collect()
    tracemalloc.start()
    before = tracemalloc.take_snapshot()
    tasks = [asyncio.ensure_future(run()) for _ in range(n)]
    await asyncio.sleep(1.0)
    during = tracemalloc.take_snapshot()
    tracemalloc.stop()
    diff = during.compare_to(before, "filename")
    print(f"{sum(d.size_diff for d in diff) / n / 1024:.1f} KiB per waiting run")
    for stat in diff[:rows]:
        where = stat.traceback[0].filename.split("site-packages/")[-1]
        print(f"  {stat.size_diff / n:7.0f} B  {stat.count_diff / n:5.1f} blocks  {where}")
    await asyncio.gather(*tasks)


async def main(n: int, latency_ms: float, rows: int) -> None:
    with ServerProcess(latency_ms=latency_ms) as server:
        clock = ToolClock()
        client = make_client(server.url, 100)
        tools = make_tools(clock, 0.1)
        print("raw openai (non-stream, JSON):")
        await waiting(
            lambda: raw_run(client, tools, "lookup", "calls=1", stream=False, shortcut=True),
            n,
            rows,
        )
        await client.close()
        agentkit = default_contender(server.url, clock=clock)
        print("\nagentkit default: agent.run():")
        await waiting(lambda: agentkit.run("calls=1"), n, rows)
        await agentkit.aclose()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, default=1000)
    parser.add_argument("--latency-ms", type=float, default=1500)
    parser.add_argument("--rows", type=int, default=15)
    args = parser.parse_args()
    asyncio.run(main(args.n, args.latency_ms, args.rows))
