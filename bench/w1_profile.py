"""Where W1's overhead goes: cProfile of agentkit's runs against the JSON floor's, by area.

Each contender does ``--runs`` W1 runs (one instant tool call, then the answer) against the
fake server in its own process, under cProfile; the table is the difference per run, by
area (agentkit's modules, each third-party package, the standard library by module, and C
functions by name), in profiled milliseconds and function calls. Not a timing benchmark:
the profiler inflates Python calls; it shows what is spent, not how fast.

    .venv/bin/python bench/w1_profile.py                 # agent.run(), non-streamed
    .venv/bin/python bench/w1_profile.py --stream        # Runner over ResponsesModel(stream=True)
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import pstats
from collections import Counter

from fake_server import ServerProcess
from raw_loop import ToolClock
from workloads import Contender, agentkit_contender, default_contender, raw_contender

Areas = tuple[Counter[str], Counter[str]]  # profiled seconds, calls


def area(filename: str, function: str) -> str:
    """The area a profiled function belongs to."""
    if "/agentkit/" in filename:
        return "agentkit"
    if "site-packages/" in filename:
        return filename.split("site-packages/")[1].split("/")[0]
    if filename.startswith(("~", "<")):
        return f"C: {function[:50]}"
    return f"stdlib: {filename.rsplit('/', 1)[-1]}"


async def profile(contender: Contender, runs: int) -> Areas:
    """Seconds and calls per area over ``runs`` runs (after a warm-up)."""
    for _ in range(50):
        await contender.run("calls=1")
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(runs):
        await contender.run("calls=1")
    profiler.disable()
    seconds: Counter[str] = Counter()
    calls: Counter[str] = Counter()
    stats = pstats.Stats(profiler).stats  # type: ignore[attr-defined]
    for (filename, _, function), (_, count, own, _, _) in stats.items():
        seconds[area(filename, function)] += own
        calls[area(filename, function)] += count
    return seconds, calls


async def main(runs: int, stream: bool, rows: int) -> None:
    with ServerProcess() as server:
        clock = ToolClock()
        floor = raw_contender(server.url, stream=stream, tool_name="lookup", clock=clock)
        if stream:
            agentkit = agentkit_contender(
                server.url, stream=True, tool_name="lookup_async", clock=clock
            )
        else:
            agentkit = default_contender(server.url, clock=clock)
        try:
            ours, theirs = await profile(agentkit, runs), await profile(floor, runs)
        finally:
            await agentkit.aclose()
            await floor.aclose()
    (our_s, our_n), (floor_s, floor_n) = ours, theirs
    total = (sum(our_s.values()) - sum(floor_s.values())) * 1000 / runs
    print(f"{agentkit.name} vs {floor.name}: +{total:.3f} profiled ms a run\n")
    print("| area | profiled ms a run | calls a run |\n|---|---|---|")
    ranked = sorted(set(our_s) | set(floor_s), key=lambda k: floor_s[k] - our_s[k])
    for key in ranked[:rows]:
        extra_ms = (our_s[key] - floor_s[key]) * 1000 / runs
        print(f"| {key} | {extra_ms:+.3f} | {(our_n[key] - floor_n[key]) / runs:+.1f} |")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=1000)
    parser.add_argument("--stream", action="store_true")
    parser.add_argument("--rows", type=int, default=20)
    args = parser.parse_args()
    asyncio.run(main(args.runs, args.stream, args.rows))
