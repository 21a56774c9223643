"""W4: the Assistants wire. agentkit serve (TestModel, in its own process) + the remote backend.

Per run: the time from ``requires_action`` (the remote run's tool_calls step) to the first
event of the continued run
(the outputs were submitted and the server answered), to the end of the run, and the HTTP
requests the client made. Streamed (SSE) and polled (``openai-poll-after-ms``).

Then whole runs, alternating with the raw SDK loops a user writes (``create_and_poll`` /
``submit_tool_outputs_and_poll``, and the streamed calls): wall and client CPU ms per run and
HTTP requests per run.

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
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import httpx2
from measure import summarize
from openai import AsyncOpenAI

from agentkit import Agent, tool
from agentkit.events import StepCreatedEvent, ToolCallFinishedEvent
from agentkit.remote import PollPolicy, RemoteRunner
from agentkit.remote.sdk import assistants_api
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


async def _raw_poll(client: AsyncOpenAI, assistant_id: str) -> None:
    """The raw SDK loop a user writes: thread with the message, create_and_poll, submit, list."""
    threads = client.beta.threads
    thread = await threads.create(messages=[{"role": "user", "content": "Look item 1 up."}])
    run = await threads.runs.create_and_poll(thread_id=thread.id, assistant_id=assistant_id)
    while run.status == "requires_action" and run.required_action is not None:
        calls = run.required_action.submit_tool_outputs.tool_calls
        outputs: list[Any] = [
            {"tool_call_id": c.id, "output": lookup(**json.loads(c.function.arguments))}
            for c in calls
        ]
        run = await threads.runs.submit_tool_outputs_and_poll(
            run_id=run.id, thread_id=thread.id, tool_outputs=outputs
        )
    await threads.messages.list(thread.id, run_id=run.id)


async def _raw_stream(client: AsyncOpenAI, assistant_id: str) -> None:
    """The streamed raw loop: thread with the message, stream the run, submit streamed."""
    threads = client.beta.threads
    thread = await threads.create(messages=[{"role": "user", "content": "Look item 1 up."}])
    stream: Any = await threads.runs.create(thread.id, assistant_id=assistant_id, stream=True)
    while True:
        paused = None
        async for event in stream:
            if event.event == "thread.run.requires_action":
                paused = event.data
        if paused is None or paused.required_action is None:
            return
        calls = paused.required_action.submit_tool_outputs.tool_calls
        outputs: list[Any] = [
            {"tool_call_id": c.id, "output": lookup(**json.loads(c.function.arguments))}
            for c in calls
        ]
        stream = await threads.runs.submit_tool_outputs(
            paused.id, thread_id=thread.id, tool_outputs=outputs, stream=True
        )


async def _whole_runs(url: str, runs: int) -> dict[str, Any]:
    """Whole runs, raw SDK loops and agentkit alternating: wall and CPU ms, requests per run."""
    requests = 0

    async def count(request: httpx2.Request) -> None:
        nonlocal requests
        requests += 1

    http = httpx2.AsyncClient(event_hooks={"request": [count]}, timeout=60)
    client = AsyncOpenAI(base_url=url, api_key=KEY, max_retries=0, http_client=http)
    agent = Agent(name="w4", model=TestModel(), tools=[tool(lookup)])
    runners = {mode: RemoteRunner(client, mode=mode) for mode in ("stream", "poll")}
    assistant_id = (await runners["poll"].sync(agent)).id

    async def agentkit_run(mode: str) -> None:
        result = await runners[mode].run(agent, "Look item 1 up.")
        assert result.status == "completed", result.last_error

    contenders: dict[str, Callable[[], Awaitable[None]]] = {
        "raw poll": lambda: _raw_poll(client, assistant_id),
        "agentkit poll": lambda: agentkit_run("poll"),
        "raw stream": lambda: _raw_stream(client, assistant_id),
        "agentkit stream": lambda: agentkit_run("stream"),
    }
    wall: dict[str, list[float]] = {name: [] for name in contenders}
    cpu: dict[str, list[float]] = {name: [] for name in contenders}
    counts: dict[str, list[float]] = {name: [] for name in contenders}
    with assistants_api():
        for number in range(runs + 2):
            for name, run in contenders.items():
                before, started, used = requests, time.perf_counter(), time.process_time()
                await run()
                if number >= 2:  # the first two are warm-up
                    wall[name].append((time.perf_counter() - started) * 1000)
                    cpu[name].append((time.process_time() - used) * 1000)
                    counts[name].append(float(requests - before))
    await client.close()
    return {
        name: {
            "run ms": summarize(wall[name]).to_json(),
            "client CPU ms": summarize(cpu[name]).to_json(),
            "http_requests_per_run": summarize(counts[name]).to_json(),
        }
        for name in contenders
    }


async def _all(url: str, runs: int) -> dict[str, Any]:
    result: dict[str, Any] = {mode: await _measure(url, mode, runs) for mode in ("stream", "poll")}
    result["whole runs"] = await _whole_runs(url, runs)
    return result


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
