"""Typed output: the agent's final answer is validated into a pydantic model.

``Agent(output_type=Forecast)`` asks the model for structured output (the JSON Schema of
``Forecast``, strict) and gives you ``result.output`` as a ``Forecast``. An answer that does
not validate goes back to the model with what is wrong, and it answers again.

Offline: a scripted model stands in. It calls the weather tool, then answers once without
the ``conditions`` field (so you can see the retry), then correctly. With a real model, pass
``model=ResponsesModel("gpt-5.1")`` (or any adapter) instead.

Run it: ``python examples/typed_output.py``.
"""

from __future__ import annotations

import asyncio
import json
from typing import Literal

from pydantic import BaseModel, Field

from agentkit import Agent, tool
from agentkit.models import ModelRequest
from agentkit.testing import FunctionInfo, FunctionModel, ModelTurn, call_tool, text


class Forecast(BaseModel):
    """Tomorrow's weather in one city."""

    city: str
    temp_c: float = Field(description="Temperature in degrees Celsius.")
    conditions: Literal["sunny", "cloudy", "rain", "snow"]


@tool
def current_weather(city: str) -> str:
    """The weather in a city right now.

    Args:
        city: the city name.
    """
    return f"11 °C and raining in {city}"


def offline_model(request: ModelRequest, info: FunctionInfo) -> ModelTurn:
    """A scripted model: the tool, a wrong answer, then a right one."""
    last = request.items[-1]
    if last.kind == "user" and info.turn == 1:
        return ModelTurn(tool_calls=(call_tool("current_weather", {"city": "Bergen"}),))
    if last.kind == "tool_output":
        return text(json.dumps({"city": "Bergen", "temp_c": 11}))  # conditions is missing
    return text(json.dumps({"city": "Bergen", "temp_c": 11, "conditions": "rain"}))


async def main() -> None:
    agent = Agent(
        name="forecaster",
        instructions="Forecast tomorrow's weather from today's.",
        model=FunctionModel(offline_model),
        tools=[current_weather],
        output_type=Forecast,
    )
    result = await agent.run("What will the weather be in Bergen tomorrow?")
    for message in result.messages:
        print(f"model answered: {message.text}")
    forecast = result.output  # a Forecast, validated
    print(f"{forecast.city}: {forecast.temp_c:g} °C, {forecast.conditions}")


if __name__ == "__main__":
    asyncio.run(main())
