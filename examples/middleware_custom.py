"""Write your own middleware: a few lines wrapping model and tool calls.

Run it: ``python examples/middleware_custom.py`` (offline, on the test model).
"""

from __future__ import annotations

import asyncio
import time
from typing import Any

from agentkit import Agent
from agentkit.context import RunContext
from agentkit.middleware import (
    Middleware,
    ModelCall,
    ModelHandler,
    ModelResponse,
    ToolCall,
    ToolHandler,
)
from agentkit.testing import TestModel


class CountAndTime(Middleware):
    """Counts model calls and prints how long each tool call took."""

    def __init__(self) -> None:
        self.model_calls = 0

    async def wrap_model_call(
        self, ctx: RunContext[Any], call: ModelCall, next: ModelHandler
    ) -> ModelResponse:
        self.model_calls += 1
        return await next(call)

    async def wrap_tool_call(self, ctx: RunContext[Any], call: ToolCall, next: ToolHandler) -> str:
        started = time.perf_counter()
        try:
            return await next(call)
        finally:
            print(f"tool {call.name} took {(time.perf_counter() - started) * 1000:.1f} ms")


class ToolCache(Middleware):
    """Answers repeated tool calls (same name, same arguments) without running the tool."""

    def __init__(self) -> None:
        self.cache: dict[tuple[str, str], str] = {}

    async def wrap_tool_call(self, ctx: RunContext[Any], call: ToolCall, next: ToolHandler) -> str:
        key = (call.name, call.arguments)
        if key not in self.cache:
            self.cache[key] = await next(call)
        return self.cache[key]


def get_weather(city: str) -> str:
    """The weather in a city."""
    return f"sunny in {city}"


async def main() -> None:
    counter = CountAndTime()
    agent = Agent(
        name="weather",
        model=TestModel(),
        tools=[get_weather],
        middleware=[counter, ToolCache()],
    )
    result = await agent.run("What is the weather?")
    print(result.output_text)
    print(f"{counter.model_calls} model calls")


if __name__ == "__main__":
    asyncio.run(main())
