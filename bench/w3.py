"""W3: N runs started at once in one event loop; one fresh process per measurement.

``python bench/w3.py --url URL --impl agentkit --n 2000`` prints
``{"elapsed_s", "runs_per_s", "rss_peak_kib", "failed"}``. A fresh process per measurement
makes the peak RSS (``VmHWM``) belong to this burst alone. Non-streamed model calls, as the
peers make by default; ``agentkit-default`` is ``agent.run()`` with no options (which makes
plain requests too, since nobody reads its events live).
``raw`` is the plain SDK loop, ``raw-json`` the same loop with agentkit's shortcut.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import tempfile
import time
from pathlib import Path
from typing import Any

from measure import peak_rss_kib, rss_kib
from raw_loop import ToolClock, make_client, make_tools, raw_run

IMPLS = (
    "raw",
    "raw-json",
    "agentkit",
    "agentkit-sqlite",
    "agentkit-synctool",
    "agentkit-default",
)


async def _burst(url: str, impl: str, n: int, connections: int, tmp: Path) -> dict[str, Any]:
    clock = ToolClock()
    if impl.startswith("raw"):
        client = make_client(url, connections)
        tools = make_tools(clock, 0.1)
        shortcut = impl == "raw-json"

        async def run() -> Any:
            return await raw_run(
                client, tools, "lookup", "calls=1", stream=False, shortcut=shortcut
            )

        close = client.close
    elif impl == "agentkit-default":
        from workloads import default_contender

        contender = default_contender(url, clock=clock, connections=connections)

        async def run() -> Any:
            await contender.run("calls=1")

        close = contender.aclose
    else:
        from workloads import agentkit_agent

        from agentkit import Runner
        from agentkit.stores import SQLiteStore

        tool_name = "lookup" if impl == "agentkit-synctool" else "lookup_async"
        agent = agentkit_agent(
            url, stream=False, tool_name=tool_name, clock=clock, connections=connections
        )
        runner = Runner(SQLiteStore(tmp / "w3.db") if impl == "agentkit-sqlite" else None)

        async def run() -> Any:
            result = await runner.run(agent, "calls=1")
            if result.status != "completed":
                raise RuntimeError(f"{result.status}: {result.run.last_error}")

        close = runner.aclose
    for _ in range(5):
        await run()
    before = rss_kib()
    started = time.perf_counter()
    outcomes = await asyncio.gather(*(run() for _ in range(n)), return_exceptions=True)
    elapsed = time.perf_counter() - started
    await close()
    failed = [repr(o) for o in outcomes if isinstance(o, BaseException)]
    return {
        "elapsed_s": elapsed,
        "runs_per_s": (n - len(failed)) / elapsed,
        "rss_peak_kib": peak_rss_kib() - before,
        "failed": len(failed),
        "first_failure": failed[0] if failed else None,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--url", required=True)
    parser.add_argument("--impl", choices=IMPLS, required=True)
    parser.add_argument("--n", type=int, default=200)
    parser.add_argument("--connections", type=int, default=100)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        result = asyncio.run(_burst(args.url, args.impl, args.n, args.connections, Path(tmp)))
    print(json.dumps(result))


if __name__ == "__main__":
    main()
