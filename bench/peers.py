"""Peer frameworks on the same workloads; runs in the peers' virtualenv, never imports agentkit.

``bench/.peers-venv/bin/python bench/peers.py --url URL --peer openai-agents --workload w1``
prints one JSON object: ``{"samples": [...ms...], "phases": [...ms...]}`` or ``{"error": ...}``.
W3 prints ``{"elapsed_s": ..., "rss_peak_kib": ..., "failed": ...}``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import time
import traceback
from collections.abc import Awaitable, Callable
from typing import Any

from measure import peak_rss_kib, rss_kib, time_runs
from raw_loop import INSTRUCTIONS, ToolClock, make_client, make_tools

RunFn = Callable[[str], Awaitable[Any]]


def openai_agents_run(url: str, func: Callable[..., Any], connections: int) -> RunFn:
    """``agents.Runner.run`` over ``OpenAIResponsesModel`` (tracing off: no export)."""
    from agents import Agent, OpenAIResponsesModel, Runner, function_tool, set_tracing_disabled

    set_tracing_disabled(True)
    model = OpenAIResponsesModel(model="gpt-bench", openai_client=make_client(url, connections))
    agent = Agent(
        name="bench",
        instructions=INSTRUCTIONS,
        model=model,
        tools=[function_tool(func, description_override="A benchmark tool.")],
    )

    async def run(question: str) -> None:
        await Runner.run(agent, question)

    return run


def pydantic_ai_run(url: str, func: Callable[..., Any], connections: int) -> RunFn:
    """``pydantic_ai.Agent.run`` over ``OpenAIResponsesModel``."""
    from pydantic_ai import Agent, Tool
    from pydantic_ai.models.openai import OpenAIResponsesModel
    from pydantic_ai.providers.openai import OpenAIProvider

    provider = OpenAIProvider(openai_client=make_client(url, connections))
    model = OpenAIResponsesModel("gpt-bench", provider=provider)
    agent = Agent(
        model,
        instructions=INSTRUCTIONS,
        tools=[Tool(func, takes_ctx=False, description="A benchmark tool.")],
    )

    async def run(question: str) -> None:
        await agent.run(question)

    return run


PEERS = {"openai-agents": openai_agents_run, "pydantic-ai": pydantic_ai_run}


async def _sequential(url: str, peer: str, tool_name: str, runs: int, question: str) -> Any:
    clock = ToolClock()
    run = PEERS[peer](url, make_tools(clock, 0.1)[tool_name], 100)
    phases: list[float] = []

    async def one() -> None:
        await run(question)
        phases.append(clock.phase_ms())

    samples = await time_runs(one, runs=runs, warmup=min(20, runs))
    return {"samples": samples, "phases": phases[-runs:]}


async def _concurrent(url: str, peer: str, n: int, connections: int) -> Any:
    run = PEERS[peer](url, make_tools(ToolClock(), 0.1)["lookup"], connections)
    for _ in range(5):
        await run("calls=1")
    before = rss_kib()
    started = time.perf_counter()
    outcomes = await asyncio.gather(*(run("calls=1") for _ in range(n)), return_exceptions=True)
    elapsed = time.perf_counter() - started
    failed = sum(isinstance(o, BaseException) for o in outcomes)
    return {"elapsed_s": elapsed, "rss_peak_kib": peak_rss_kib() - before, "failed": failed}


async def _main(args: argparse.Namespace) -> Any:
    if args.workload == "w1":
        return await _sequential(args.url, args.peer, "lookup", args.runs, "calls=1")
    if args.workload in ("w2-async", "w2-sync"):
        name = "sleep_async" if args.workload == "w2-async" else "sleep_sync"
        return await _sequential(args.url, args.peer, name, args.runs, "calls=8")
    return await _concurrent(args.url, args.peer, args.runs, args.connections)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--url", required=True)
    parser.add_argument("--peer", choices=sorted(PEERS), required=True)
    parser.add_argument("--workload", choices=["w1", "w2-async", "w2-sync", "w3"], required=True)
    parser.add_argument("--runs", type=int, default=100)
    parser.add_argument("--connections", type=int, default=100)
    args = parser.parse_args()
    try:
        result = asyncio.run(_main(args))
    except Exception as exc:  # a peer that cannot run is reported, not fatal
        traceback.print_exc(file=sys.stderr)
        result = {"error": f"{type(exc).__name__}: {exc}"}
    print(json.dumps(result))


if __name__ == "__main__":
    main()
