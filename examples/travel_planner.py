"""Parallel tools: a travel planner that looks up weather, flights and hotels at once.

The model asks for all three lookups in one turn; agentkit runs them concurrently (async
tools on the event loop, the sync one in a worker thread), so the run takes about as long
as the slowest lookup, not the sum of all three.

Offline by default (a scripted planner stands in for the model). With an API configured,
try it on a real model: ``agentkit chat examples/travel_planner.py:agent``.
"""

from __future__ import annotations

import asyncio
import time

from agentkit import Agent, tool
from agentkit.models import ModelRequest, ToolOutputItem
from agentkit.testing import FunctionInfo, FunctionModel, ModelTurn, call_tool, text

LATENCY = 0.2  # seconds each lookup pretends to take


@tool
async def get_weather(city: str, date: str) -> str:
    """The weather forecast for a city on a date (YYYY-MM-DD)."""
    await asyncio.sleep(LATENCY)
    return f"{city} on {date}: 21°C, sunny"


@tool
def search_flights(origin: str, destination: str, date: str) -> list[dict[str, str]]:
    """Direct flights between two cities on a date (a blocking client, run in a thread)."""
    time.sleep(LATENCY)
    return [{"flight": "TP 1351", "departs": f"{date} 08:05", "price": "129 EUR"}]


@tool
async def search_hotels(city: str, nights: int) -> list[dict[str, str]]:
    """Hotels with rooms free for a number of nights."""
    await asyncio.sleep(LATENCY)
    return [{"hotel": "Casa do Rio", "per_night": "95 EUR"}]


def offline_planner(request: ModelRequest, info: FunctionInfo) -> ModelTurn:
    """Scripted stand-in for a model: ask for all three lookups, then summarize them."""
    outputs = [item.output for item in request.items if isinstance(item, ToolOutputItem)]
    if not outputs:
        return ModelTurn(
            tool_calls=(
                call_tool("get_weather", {"city": "Lisbon", "date": "2026-10-02"}),
                call_tool(
                    "search_flights",
                    {"origin": "Paris", "destination": "Lisbon", "date": "2026-10-02"},
                ),
                call_tool("search_hotels", {"city": "Lisbon", "nights": 3}),
            )
        )
    return text("Here is your trip:\n- " + "\n- ".join(outputs))


agent = Agent(
    name="Travel planner",
    instructions="Plan trips. Look up weather, flights and hotels in parallel, then summarize.",
    model=FunctionModel(offline_planner),
    tools=[get_weather, search_flights, search_hotels],
)


async def main() -> None:
    started = time.perf_counter()
    result = await agent.run("Plan 3 days in Lisbon from Paris, leaving 2 October.")
    elapsed = time.perf_counter() - started
    for call in result.tool_calls:
        print(f"[tool] {call.function.name} took {call.duration_ms or 0:.0f} ms")
    print(result.output_text)
    total = sum(call.duration_ms or 0 for call in result.tool_calls) / 1000
    print(f"{len(result.tool_calls)} lookups, {total:.2f} s of work, done in {elapsed:.2f} s")


if __name__ == "__main__":
    asyncio.run(main())
