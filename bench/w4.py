"""W4: the Assistants wire. agentkit serve (TestModel, in its own process) + the remote backend.

Per run: the time from ``requires_action`` (the remote run's tool_calls step) to the first
event of the continued run
(the outputs were submitted and the server answered), to the end of the run, and the HTTP
requests the client made. Streamed (SSE) and polled (``openai-poll-after-ms``).

``python bench/w4.py --runs 30`` prints one JSON object.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx2
from measure import summarize
from openai import AsyncOpenAI

from agentkit import Agent, tool
from agentkit.events import StepCreatedEvent, ToolCallFinishedEvent
from agentkit.remote import PollPolicy, RemoteRunner
from agentkit.testing import TestModel

KEY = "sk-bench"


def _serve_main(db: str, poll_ms: int) -> None:
    """In the server subprocess: agentkit serve on a free port; prints READY <url>."""
    from agentkit.server import BackgroundServer, ServerConfig, offline_model_factory

    config = ServerConfig(
        model_factory=offline_model_factory,
        db_path=db,
        api_keys={KEY: "default"},
        poll_after_ms=poll_ms,
    )
    with BackgroundServer(config) as server:
        print(f"READY {server.base_url}", flush=True)
        sys.stdin.read()  # until the parent closes our stdin


def lookup(i: int) -> str:
    """Look an item up.

    Args:
        i: which item.
    """
    return f"item {i}"


async def _measure(url: str, mode: str, runs: int) -> dict[str, Any]:
    requests = 0

    async def count(request: httpx2.Request) -> None:
        nonlocal requests
        requests += 1

    http = httpx2.AsyncClient(event_hooks={"request": [count]}, timeout=60)
    client = AsyncOpenAI(base_url=url, api_key=KEY, max_retries=0, http_client=http)
    poll = PollPolicy(jitter=0.0)
    runner = RemoteRunner(client, mode=mode, poll=poll)  # type: ignore[arg-type]
    agent = Agent(name="w4", model=TestModel(), tools=[tool(lookup)])
    await runner.run(agent, "warm up")
    to_continued, to_end, per_run = [], [], []
    for _ in range(runs):
        before = requests
        paused = continued = None
        answered = False
        async for event in runner.iter_run(agent, "Look item 1 up."):
            now = time.perf_counter()
            # The remote run's requires_action reaches us as the tool_calls step; the next
            # event after our outputs comes from the continued run.
            if isinstance(event, StepCreatedEvent) and event.step.type == "tool_calls":
                paused = now
            elif isinstance(event, ToolCallFinishedEvent):
                answered = True
            elif answered and continued is None:
                continued = now
        assert paused is not None and continued is not None, "the run never paused"
        to_continued.append((continued - paused) * 1000)
        to_end.append((time.perf_counter() - paused) * 1000)
        per_run.append(requests - before)
    await client.close()
    return {
        "requires_action -> continued": summarize(to_continued).to_json(),
        "requires_action -> end": summarize(to_end).to_json(),
        "http_requests_per_run": summarize([float(n) for n in per_run]).to_json(),
    }


async def _all(url: str, runs: int) -> dict[str, Any]:
    return {mode: await _measure(url, mode, runs) for mode in ("stream", "poll")}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--poll-ms", type=int, default=200)
    parser.add_argument("--serve", metavar="DB", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        _serve_main(args.serve, args.poll_ms)
        return
    with tempfile.TemporaryDirectory() as tmp:
        command = [sys.executable, __file__, "--serve", str(Path(tmp) / "serve.db")]
        command += ["--poll-ms", str(args.poll_ms)]
        server = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        assert server.stdout is not None and server.stdin is not None
        try:
            line = server.stdout.readline()
            if not line.startswith("READY "):
                raise SystemExit(f"agentkit serve did not start: {line!r}")
            result = asyncio.run(_all(line.split()[1], args.runs))
            result["poll_after_ms"] = args.poll_ms
        finally:
            server.stdin.close()
            server.wait(timeout=30)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
