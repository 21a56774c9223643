"""Offer agentkit tools, or a whole agent, to any MCP client (an IDE, another framework).

``agentkit mcp serve`` serves a tool, a toolset, a list of tools, an installed tool pack or
an agent (as one tool: its input in, its final answer out)::

    agentkit mcp serve examples/mcp_server.py:toolset            # stdio
    agentkit mcp serve examples/mcp_server.py:trip_agent         # the agent, as one tool
    AGENTKIT_API_KEYS=KEY agentkit mcp serve examples/mcp_server.py:toolset --http --port 8765

Run this file to serve ``toolset`` over stdio the same way from Python (`mcp_server`
builds the MCP server, `serve_stdio` runs it); ``python examples/mcp_server.py --demo``
plays an MCP client instead: the official SDK's ``mcp.Client`` starts the server and calls
its tools.
"""

from __future__ import annotations

import asyncio
import sys
from typing import Any

from agentkit import Agent, ModelRetry, tool
from agentkit.mcp import mcp_server, serve_stdio
from agentkit.toolsets import FunctionToolset


@tool
def packing_list(temperature: int, nights: int = 3) -> list[str]:
    """What to pack for a trip.

    Args:
        temperature: The expected temperature, in Celsius.
        nights: How many nights.
    """
    clothes = ["coat", "scarf"] if temperature < 10 else ["t-shirt", "sunglasses"]
    return [*clothes, f"{nights} pairs of socks"]


@tool
def currency(country: str) -> str:
    """The currency of a country."""
    known = {"norway": "NOK", "peru": "PEN", "egypt": "EGP"}
    if country.lower() not in known:
        raise ModelRetry(f"unknown country {country!r}; try one of {sorted(known)}")
    return known[country.lower()]


toolset = FunctionToolset([packing_list, currency])

trip_agent = Agent(
    name="trip_planner",
    description="Plans a trip: give it the destination and dates.",
    instructions="Plan trips briefly.",
    model="test",  # offline: replies "You said: ..."; give it a real model to use it
)


async def demo() -> None:
    from mcp import Client, StdioServerParameters

    server = StdioServerParameters(command=sys.executable, args=[__file__])
    async with Client(server) as client:
        listed = await client.list_tools()
        print("tools:", [t.name for t in listed.tools])
        calls: list[tuple[str, dict[str, Any]]] = [
            ("packing_list", {"temperature": 4, "nights": None}),
            ("currency", {"country": "Atlantis"}),
        ]
        for name, arguments in calls:
            result = await client.call_tool(name, arguments)
            shown = " ".join(getattr(block, "text", "") for block in result.content)
            print(f"{name}: {'error: ' if result.is_error else ''}{shown}")


if __name__ == "__main__":
    if sys.argv[1:] == ["--demo"]:
        asyncio.run(demo())
    else:
        asyncio.run(serve_stdio(mcp_server(toolset, name="trip tools")))
