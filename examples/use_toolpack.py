"""Use a tool pack: tools another package publishes, loaded by name.

The pack in ``examples/toolpack/`` publishes its toolset under the entry-point group
``agentkit.toolsets`` as ``weather``. Install it, then load it by that name::

    pip install ./examples/toolpack
    python examples/use_toolpack.py

`load_toolset` imports only the pack it is asked for; `available_packs` lists the installed
ones without importing anything. A pack is a toolset like any other: prefix, filter or
combine it with your own tools.
"""

from __future__ import annotations

import asyncio

from agentkit import Agent, tool
from agentkit.models import ModelRequest, ToolOutputItem
from agentkit.testing import FunctionInfo, FunctionModel, ModelTurn, call_tool, text
from agentkit.toolsets import available_packs, load_toolset


@tool
def packing_list(temperature: int) -> list[str]:
    """What to pack for a temperature in Celsius."""
    return ["coat", "scarf"] if temperature < 10 else ["t-shirt", "sunglasses"]


def offline_model(request: ModelRequest, info: FunctionInfo) -> ModelTurn:
    """Scripted stand-in for a model: ask the pack's tools, then ours, then answer."""
    outputs = [item.output for item in request.items if isinstance(item, ToolOutputItem)]
    if not outputs:
        return ModelTurn(
            tool_calls=(
                call_tool("weather_current_weather", {"city": "Oslo"}),
                call_tool("weather_forecast", {"city": "Oslo", "days": 3}),
            )
        )
    if len(outputs) == 2:
        return ModelTurn(tool_calls=(call_tool("packing_list", {"temperature": 4}),))
    return text(f"Oslo now: {outputs[0]}; next days: {outputs[1]}; pack: {outputs[2]}")


async def main() -> None:
    installed = available_packs()
    print("installed packs:", installed)
    if "weather" not in installed:
        print("The weather pack is not installed: pip install ./examples/toolpack")
        return
    weather = load_toolset("weather").prefixed("weather")
    agent = Agent(
        name="Trip helper",
        instructions="Help people pack for a trip.",
        model=FunctionModel(offline_model),
        tools=[weather, packing_list],
    )
    print("tools:", sorted(agent.toolset.names()))
    result = await agent.run("What should I pack for Oslo?")
    for call in result.tool_calls:
        print(f"[tool] {call.function.name}({call.function.arguments}) -> {call.function.output}")
    print(result.output_text)


if __name__ == "__main__":
    asyncio.run(main())
