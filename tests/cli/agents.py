"""Agents the CLI tests load by path: scripted, offline, with a fast and a slow tool."""

from __future__ import annotations

import asyncio

from agentkit import Agent, ToolDefinition, tool
from agentkit.exceptions import ModelError
from agentkit.models import ModelRequest, UserMessageItem
from agentkit.models.function import TurnResult
from agentkit.testing import FunctionInfo, FunctionModel, call_tool, text


@tool
async def get_weather(city: str) -> str:
    """Today's weather in a city."""
    return f"Sunny in {city}"


@tool
async def slow_report(topic: str) -> str:
    """A report that takes a minute (the tests cancel it)."""
    await asyncio.sleep(60)
    return f"report on {topic}"


def script(request: ModelRequest, info: FunctionInfo) -> TurnResult:
    """Weather questions call get_weather; 'slow' calls slow_report; else echo and count."""
    last = request.items[-1]
    if last.kind == "tool_output":
        return text(f"Result: {last.output}")
    said = last.text if isinstance(last, UserMessageItem) else ""
    if "slow" in said:
        return call_tool("slow_report", {"topic": said})
    if "weather" in said:
        return call_tool("get_weather", {"city": "Oslo"})
    seen = sum(isinstance(item, UserMessageItem) for item in request.items)
    return text(f"Echo: {said} (message {seen})")


weather = Agent(name="helper", model=FunctionModel(script), tools=[get_weather, slow_report])


def failing_script(request: ModelRequest, info: FunctionInfo) -> TurnResult:
    raise ModelError("The model API answered 429: slow down", code="rate_limit_exceeded")


broken = Agent(name="broken", model=FunctionModel(failing_script))

approve = ToolDefinition(name="approve", description="Ask a human to approve.")


def approval_script(request: ModelRequest, info: FunctionInfo) -> TurnResult:
    last = request.items[-1]
    if last.kind == "tool_output":
        return text(f"The human said: {last.output}")
    return call_tool("approve", {}, call_id="call_approve")


needs_human = Agent(name="approvals", model=FunctionModel(approval_script), tools=[approve])


def make_agent() -> Agent:
    """A factory: the CLI calls it."""
    return Agent(name="made", model=FunctionModel(script))


async def make_agent_later() -> Agent:
    """An async factory: the CLI cannot call it (it runs the agent on its own loop)."""
    return make_agent()


not_an_agent = 42

by_name = Agent(name="named", model="gpt-4.1-mini", tools=[get_weather])
