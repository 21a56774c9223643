"""Use an MCP server's tools: `MCPToolset` starts the server and offers its tools to an agent.

The server (``examples/mcp/weather_server.py``) is written with the official MCP SDK. The
toolset starts it over stdio when the first run needs it, shares it across runs, and the
runner stops it when it closes. Its tools' schemas go through agentkit's strict pass; a
server error reaches the model as a tool error it can read::

    pip install 'agentkit-assistants[mcp]'
    python examples/mcp_client.py

The model is scripted (`FunctionModel`) so that the example runs offline; give the agent
``model="gpt-5.1"`` (and ``OPENAI_API_KEY``) to use a real one.
"""

from __future__ import annotations

import asyncio
import json
import sys
from pathlib import Path

from agentkit import Agent, Runner
from agentkit.mcp import MCPToolset
from agentkit.models import ModelRequest, ToolOutputItem
from agentkit.testing import FunctionInfo, FunctionModel, ModelTurn, call_tool, text

SERVER = Path(__file__).with_name("mcp") / "weather_server.py"


def offline_model(request: ModelRequest, info: FunctionInfo) -> ModelTurn:
    """Scripted stand-in for a model: ask the server's tools, then answer from their outputs."""
    outputs = [item.output for item in request.items if isinstance(item, ToolOutputItem)]
    if not outputs:
        return ModelTurn(
            tool_calls=(
                call_tool("weather_current_weather", {"city": "Oslo"}),
                call_tool("weather_forecast", {"city": "Oslo", "days": None}),
                call_tool("weather_forecast", {"city": "Oslo", "days": 30}),
            )
        )
    current, forecast = (json.loads(output) for output in outputs[:2])
    return text(f"Oslo is {current['temperature']} °C now; next days: {forecast['highs']}.")


async def main() -> None:
    weather = MCPToolset([sys.executable, str(SERVER)], name="weather")
    agent = Agent(
        name="Weather helper",
        instructions="Answer questions about the weather.",
        model=FunctionModel(offline_model),
        tools=[weather.prefixed("weather")],
    )
    async with Runner() as runner:  # closing the runner stops the server
        result = await runner.run(agent, "What is the weather in Oslo?")
        print("tools:", agent.toolset.names())
        print("strict:", [d.strict for d in weather.definitions()])
        for call in result.tool_calls:
            name, arguments = call.function.name, call.function.arguments
            output = " ".join((call.function.output or "").split())
            print(f"[tool] {name}({arguments}) -> {output}")
        print(result.output_text)
    print("server running after close:", weather.connection.running)


if __name__ == "__main__":
    asyncio.run(main())
