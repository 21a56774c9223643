"""The floor: a hand-written loop over the raw ``openai`` SDK doing the same HTTP round trips.

create -> function_call items -> run the tools (all at once) -> create with the
``function_call_output`` items (full replay, as agentkit's default) -> final text.

Two versions of the loop, both measured:

- plain (``shortcut=False``): the loop as an SDK user writes it; the SDK walks ``input`` and
  ``tools`` through its request transform on every call.
- shortcut (``shortcut=True``): the same loop taking the SDK path agentkit's
  ``ResponsesModel`` takes: ``client.post("/responses", body=..., cast_to=object)``, the
  body sent as it is (no request transform) and the response's JSON read as it came (no
  typed models), streamed or not. This is the like-for-like floor: agentkit against it
  measures agentkit's own cost, not the SDK path it skips.

It imports nothing from agentkit, so the peers' virtualenv can run it too.
"""

from __future__ import annotations

import asyncio
import json
import threading
import time
from collections.abc import Awaitable, Callable
from typing import Any

import httpx2
from openai import AsyncOpenAI, AsyncStream

__all__ = ["TOOL_SCHEMA", "ToolClock", "make_client", "raw_run"]

INSTRUCTIONS = "You are a benchmark. Call the tool when asked."
TOOL_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {"i": {"type": "integer", "description": "Which item."}},
    "required": ["i"],
    "additionalProperties": False,
}


class ToolClock:
    """When tool calls started and ended, to measure the tool phase of a turn."""

    def __init__(self) -> None:
        self.starts: list[float] = []
        self.ends: list[float] = []

    def phase_ms(self) -> float:
        """From the first call's start to the last call's end, then forget them."""
        span = (max(self.ends) - min(self.starts)) * 1000 if self.starts else 0.0
        self.starts.clear()
        self.ends.clear()
        return span


def make_tools(clock: ToolClock, sleep_s: float) -> dict[str, Callable[..., Any]]:
    """The benchmark tools as plain functions: instant (sync and async), async/sync sleep."""

    def lookup(i: int) -> str:
        return f"item {i}"

    async def lookup_async(i: int) -> str:
        return f"item {i}"

    async def sleep_async(i: int) -> str:
        clock.starts.append(time.perf_counter())
        await asyncio.sleep(sleep_s)
        clock.ends.append(time.perf_counter())
        return f"slept {i}"

    def sleep_sync(i: int) -> str:
        clock.starts.append(time.perf_counter())
        time.sleep(sleep_s)
        clock.ends.append(time.perf_counter())
        return f"slept {i}"

    return {
        "lookup": lookup,
        "lookup_async": lookup_async,
        "sleep_async": sleep_async,
        "sleep_sync": sleep_sync,
    }


def make_client(base_url: str, max_connections: int = 100) -> AsyncOpenAI:
    """The SDK client every contender uses: no SDK retries, a pool sized for the workload."""
    limits = httpx2.Limits(
        max_connections=max_connections, max_keepalive_connections=max_connections
    )
    http = httpx2.AsyncClient(limits=limits, timeout=120)
    return AsyncOpenAI(base_url=base_url, api_key="bench", max_retries=0, http_client=http)


async def _in_thread(func: Callable[..., Any], /, **kwargs: Any) -> Any:
    """One new thread per call: the default executor would queue calls on a small machine."""
    loop = asyncio.get_running_loop()
    future: asyncio.Future[Any] = loop.create_future()

    def target() -> None:
        result = func(**kwargs)
        loop.call_soon_threadsafe(future.set_result, result)

    threading.Thread(target=target, daemon=True).start()
    return await future


async def _call_tool(func: Callable[..., Any], arguments: str) -> str:
    kwargs = json.loads(arguments)
    if asyncio.iscoroutinefunction(func):
        result: Awaitable[Any] = func(**kwargs)
        return str(await result)
    if func.__name__ == "lookup":  # instant: a thread hop would only add cost
        return str(func(**kwargs))
    return str(await _in_thread(func, **kwargs))


async def _create_json(
    client: AsyncOpenAI, stream: bool, body: dict[str, Any]
) -> tuple[list[dict[str, Any]], str]:
    """One model call, JSON in and out: (function_call items, text)."""
    if not stream:
        response: Any = await client.post(
            "/responses", body={**body, "stream": False}, cast_to=object
        )
        output = response["output"]
        calls = [item for item in output if item["type"] == "function_call"]
        text = "".join(
            part["text"]
            for item in output
            if item["type"] == "message"
            for part in item["content"]
            if part["type"] == "output_text"
        )
        return calls, text
    calls, parts = [], []
    events: Any = await client.post(
        "/responses",
        body={**body, "stream": True},
        cast_to=object,
        stream=True,
        stream_cls=AsyncStream[dict[str, Any]],
    )
    async with events:
        async for event in events:
            kind = event["type"]
            if kind == "response.output_text.delta":
                parts.append(event["delta"])
            elif kind == "response.output_item.done" and event["item"]["type"] == "function_call":
                calls.append(event["item"])
    return calls, "".join(parts)


async def _create(client: AsyncOpenAI, stream: bool, **params: Any) -> tuple[list[Any], str]:
    """One model call: (function_call items, text)."""
    if not stream:
        response = await client.responses.create(**params)
        calls = [item for item in response.output if item.type == "function_call"]
        return calls, response.output_text
    calls, parts = [], []
    async with await client.responses.create(**params, stream=True) as events:
        async for event in events:
            if event.type == "response.output_text.delta":
                parts.append(event.delta)
            elif event.type == "response.output_item.done" and event.item.type == "function_call":
                calls.append(event.item)
    return calls, "".join(parts)


async def raw_run(
    client: AsyncOpenAI,
    tools: dict[str, Callable[..., Any]],
    tool_name: str,
    question: str,
    *,
    stream: bool,
    shortcut: bool = False,
) -> str:
    """One run: until the model answers with text; returns the text.

    With ``shortcut``, the body goes as it is and the reply is read as JSON (see the module
    doc).
    """
    definition = {
        "type": "function",
        "name": tool_name,
        "description": "A benchmark tool.",
        "parameters": TOOL_SCHEMA,
        "strict": True,
    }
    items: list[Any] = [{"role": "user", "content": question}]
    base = {"model": "gpt-bench", "instructions": INSTRUCTIONS, "tools": [definition]}
    while True:
        if shortcut:
            calls, text = await _create_json(client, stream, {**base, "input": items})
            found = [(c["call_id"], c["name"], c["arguments"]) for c in calls]
        else:
            typed, text = await _create(client, stream, **base, input=items)
            found = [(c.call_id, c.name, c.arguments) for c in typed]
        if not found:
            return text
        outputs = await asyncio.gather(
            *(_call_tool(tools[name], arguments) for _, name, arguments in found)
        )
        for (call_id, name, arguments), output in zip(found, outputs, strict=True):
            items.append(
                {"type": "function_call", "call_id": call_id, "name": name, "arguments": arguments}
            )
            items.append({"type": "function_call_output", "call_id": call_id, "output": output})
