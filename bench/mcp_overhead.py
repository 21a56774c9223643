"""What MCP costs per call: an instant tool called directly, and through MCP over stdio and HTTP.

Run: ``python bench/mcp_overhead.py [--calls N] [--rounds R] [--mode auto|legacy]``.

The tool (``echo`` below) is served by ``agentkit mcp serve`` in a separate process; each
transport is measured with the official SDK's bare ``mcp.Client`` and with `MCPToolset`
calling the same server, in alternating rounds so that both see the same machine load.
Prints the median milliseconds per call and agentkit's overhead over the bare client (the
goal: at most 0.5 ms on stdio). No assertions: the figures depend on the machine.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable, Iterator
from contextlib import AsyncExitStack, contextmanager
from pathlib import Path
from typing import Any

import httpx2
from mcp import Client, StdioServerParameters
from mcp.client.streamable_http import streamable_http_client

from agentkit.mcp import MCPToolset
from agentkit.mcp.connection import Mode
from agentkit.tools import Tool, tool

AGENTKIT = str(Path(sys.executable).with_name("agentkit"))
TARGET = f"{Path(__file__).resolve()}:echo"
KEY = "bench-mcp-overhead-key"

Call = Callable[[], Awaitable[Any]]


@tool
def echo(x: int) -> int:
    """Return ``x``: an instant tool."""
    return x


async def _samples(call: Call, calls: int) -> list[float]:
    samples = []
    for _ in range(calls):
        start = time.perf_counter()
        await call()
        samples.append((time.perf_counter() - start) * 1000)
    return samples


@contextmanager
def _http_server() -> Iterator[str]:
    command = [AGENTKIT, "mcp", "serve", TARGET, "--http", "--port", "0"]
    env = {**os.environ, "AGENTKIT_API_KEYS": KEY}
    process = subprocess.Popen(command, stderr=subprocess.PIPE, text=True, env=env)
    try:
        assert process.stderr is not None
        banner = process.stderr.readline()  # agentkit mcp serve: URL (N tools)
        if not banner.startswith("agentkit mcp serve: "):
            raise SystemExit(f"the HTTP server did not start: {banner!r}")
        yield banner.split()[3]
    finally:
        process.terminate()
        process.wait(timeout=10)


async def _bare_client(stack: AsyncExitStack, mode: Mode, url: str | None) -> Call:
    if url is None:
        server: Any = StdioServerParameters(command=AGENTKIT, args=["mcp", "serve", TARGET])
    else:
        http = await stack.enter_async_context(
            httpx2.AsyncClient(headers={"Authorization": f"Bearer {KEY}"})
        )
        server = streamable_http_client(url, http_client=http)
    client = await stack.enter_async_context(Client(server, mode=mode))
    return lambda: client.call_tool("echo", {"x": 1})


async def _toolset(stack: AsyncExitStack, mode: Mode, url: str | None) -> Call:
    if url is None:
        toolset = MCPToolset([AGENTKIT, "mcp", "serve", TARGET], mode=mode)
    else:
        toolset = MCPToolset(url=url, headers={"Authorization": f"Bearer {KEY}"}, mode=mode)
    await stack.enter_async_context(toolset)
    found = toolset.get("echo")
    assert isinstance(found, Tool)
    return lambda: found.invoke('{"x": 1}')


async def main(calls: int, rounds: int, mode: Mode) -> None:
    async with AsyncExitStack() as stack:
        url = stack.enter_context(_http_server())
        ways: dict[str, Call] = {
            "direct (Tool.invoke)": lambda: echo.invoke('{"x": 1}'),
            "stdio: bare mcp.Client": await _bare_client(stack, mode, None),
            "stdio: MCPToolset": await _toolset(stack, mode, None),
            "http: bare mcp.Client": await _bare_client(stack, mode, url),
            "http: MCPToolset": await _toolset(stack, mode, url),
        }
        samples: dict[str, list[float]] = {name: [] for name in ways}
        for call in ways.values():  # warm up: imports, caches, connections
            await _samples(call, 20)
        for _ in range(rounds):
            for name, call in ways.items():
                samples[name] += await _samples(call, calls)
    medians = {name: statistics.median(values) for name, values in samples.items()}
    print(f"mcp {mode} mode; {rounds} rounds of {calls} calls each; median ms per call")
    for name, value in medians.items():
        print(f"  {name:<24} {value:8.3f}")
    for transport in ("stdio", "http"):
        extra = medians[f"{transport}: MCPToolset"] - medians[f"{transport}: bare mcp.Client"]
        print(f"  agentkit over the bare client, {transport}: {extra:+.3f} ms")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--calls", type=int, default=200, help="calls per round and way")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--mode", choices=["auto", "legacy"], default="auto")
    options = parser.parse_args()
    asyncio.run(main(options.calls, options.rounds, options.mode))
