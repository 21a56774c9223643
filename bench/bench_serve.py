"""Throughput and resume latency of ``agentkit serve`` (offline TestModel, one tool call per run).

Starts ``agentkit serve`` in a subprocess on 127.0.0.1, then drives it with the openai SDK:

- runs per second, each run: new thread with a message, create the run, wait for
  ``requires_action``, submit the one tool output, wait for ``completed``; polled
  (``create`` + ``retrieve`` loop) and streamed (``runs.stream`` + ``submit_tool_outputs_stream``);
- the time from submitting the outputs (run in ``requires_action``) to the continued run:
  first sign of life (the ``thread.run.queued`` event, or the submit response when polling)
  and completion.

Run: ``python bench/bench_serve.py [--runs 200] [--concurrency 8] [--poll-ms 10]``.
Prints a table; no assertions.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path
from typing import Any

import httpx2
from openai import AsyncOpenAI

KEY = "sk-bench"
QUIZ = {
    "type": "function",
    "function": {
        "name": "display_quiz",
        "parameters": {
            "type": "object",
            "properties": {"title": {"type": "string"}},
            "required": ["title"],
        },
    },
}


def start_server(db: Path) -> tuple[subprocess.Popen[str], str]:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    agentkit = str(Path(sys.executable).with_name("agentkit"))
    process = subprocess.Popen(
        [agentkit, "serve", "--db", str(db), "--port", str(port), "--api-key", KEY],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        text=True,
        env={**os.environ, "AGENTKIT_API_KEYS": ""},
    )
    base_url = f"http://127.0.0.1:{port}/v1"
    deadline = time.monotonic() + 30
    while True:
        try:
            httpx2.get(f"{base_url}/assistants", headers={"Authorization": f"Bearer {KEY}"})
            return process, base_url
        except httpx2.TransportError:
            if time.monotonic() > deadline:
                process.kill()
                raise SystemExit("agentkit serve did not start") from None
            time.sleep(0.1)


async def polled_run(client: AsyncOpenAI, assistant_id: str, poll_ms: int) -> tuple[float, float]:
    runs = client.beta.threads.runs
    thread = await client.beta.threads.create(messages=[{"role": "user", "content": "quiz"}])
    run = await runs.create_and_poll(
        thread_id=thread.id, assistant_id=assistant_id, poll_interval_ms=poll_ms
    )
    assert run.required_action is not None
    call = run.required_action.submit_tool_outputs.tool_calls[0]
    started = time.perf_counter()
    await runs.submit_tool_outputs(
        thread_id=thread.id, run_id=run.id, tool_outputs=[{"tool_call_id": call.id, "output": "a"}]
    )
    continued = time.perf_counter()
    done = await runs.poll(run.id, thread_id=thread.id, poll_interval_ms=poll_ms)
    assert done.status == "completed", done.status
    return continued - started, time.perf_counter() - started


async def streamed_run(client: AsyncOpenAI, assistant_id: str, poll_ms: int) -> tuple[float, float]:
    runs = client.beta.threads.runs
    thread = await client.beta.threads.create(messages=[{"role": "user", "content": "quiz"}])
    async with runs.stream(thread_id=thread.id, assistant_id=assistant_id) as stream:
        await stream.until_done()
        run = stream.current_run
    assert run is not None and run.required_action is not None
    call = run.required_action.submit_tool_outputs.tool_calls[0]
    started = time.perf_counter()
    continued = 0.0
    async with runs.submit_tool_outputs_stream(
        thread_id=thread.id, run_id=run.id, tool_outputs=[{"tool_call_id": call.id, "output": "a"}]
    ) as stream:
        async for event in stream:
            if not continued:
                continued = time.perf_counter()
            if event.event == "thread.run.completed":
                break
    return continued - started, time.perf_counter() - started


async def measure(
    base_url: str, mode: str, runs: int, concurrency: int, poll_ms: int
) -> dict[str, Any]:
    one = polled_run if mode == "polled" else streamed_run
    async with AsyncOpenAI(api_key=KEY, base_url=base_url, max_retries=0) as client:
        assistant = await client.beta.assistants.create(model="gpt-4o", tools=[QUIZ])  # type: ignore[list-item]
        gate = asyncio.Semaphore(concurrency)

        async def bounded() -> tuple[float, float]:
            async with gate:
                return await one(client, assistant.id, poll_ms)

        started = time.perf_counter()
        timings = await asyncio.gather(*(bounded() for _ in range(runs)))
        elapsed = time.perf_counter() - started
    return {
        "mode": mode,
        "runs/s": runs / elapsed,
        "continue p50 ms": statistics.median(t[0] for t in timings) * 1000,
        "continue p95 ms": _p95([t[0] for t in timings]) * 1000,
        "complete p50 ms": statistics.median(t[1] for t in timings) * 1000,
        "complete p95 ms": _p95([t[1] for t in timings]) * 1000,
    }


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))]


def print_table(rows: list[dict[str, Any]]) -> None:
    columns = list(rows[0])
    print(" | ".join(f"{c:>15}" for c in columns))
    print("-+-".join("-" * 15 for _ in columns))
    for row in rows:
        cells = [f"{v:>15.1f}" if isinstance(v, float) else f"{v:>15}" for v in row.values()]
        print(" | ".join(cells))


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--poll-ms", type=int, default=10)
    args = parser.parse_args()
    warnings.filterwarnings("ignore", category=DeprecationWarning)  # the SDK's beta.* warnings
    with tempfile.TemporaryDirectory() as folder:
        process, base_url = start_server(Path(folder) / "bench.db")
        try:
            rows = [
                await measure(base_url, mode, args.runs, args.concurrency, args.poll_ms)
                for mode in ("polled", "streamed")
            ]
        finally:
            process.terminate()
            process.wait(timeout=30)
    print(
        f"agentkit serve, TestModel, 1 tool call per run, {args.runs} runs, "
        f"concurrency {args.concurrency}, poll interval {args.poll_ms} ms"
    )
    print_table(rows)


if __name__ == "__main__":
    asyncio.run(main())
