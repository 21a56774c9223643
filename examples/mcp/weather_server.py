"""An MCP server written with the official ``mcp`` SDK, as plugin authors publish them.

`examples/mcp_client.py` starts it over stdio. Run it alone with ``python
examples/mcp/weather_server.py`` (it then waits for an MCP client on stdin).
"""

from __future__ import annotations

from mcp.server.mcpserver import MCPServer
from mcp.server.mcpserver.exceptions import ToolError

server = MCPServer("weather", instructions="Current weather and forecasts.", log_level="WARNING")

_TEMPERATURES = {"oslo": 4, "lima": 19, "cairo": 31}


@server.tool()
def current_weather(city: str) -> dict[str, object]:
    """The current temperature in a city, in Celsius."""
    return {"city": city, "temperature": _TEMPERATURES.get(city.lower(), 15)}


@server.tool()
def forecast(city: str, days: int = 3) -> dict[str, object]:
    """The forecast highs for the next days (1 to 7), in Celsius."""
    if not 1 <= days <= 7:
        raise ToolError(f"days must be between 1 and 7, not {days}")  # the client reads it
    start = _TEMPERATURES.get(city.lower(), 15)
    return {"city": city, "highs": [start + day for day in range(days)]}


if __name__ == "__main__":
    server.run()
