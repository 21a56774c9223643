"""The engine resolves the tool choice while building each request: middleware see it, may
replace it, and the run records what was sent."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from agentkit import Agent, Middleware, RunContext, tool
from agentkit.calls import ModelCall, ModelHandler, ModelResponse
from agentkit.models import ModelRequest
from agentkit.testing import FunctionInfo, FunctionModel, ModelTurn, call_tool, text
from agentkit.tool_choice import StopAtTools


@tool
def lookup(city: str) -> str:
    """Look a city up."""
    return f"{city}: 18 degrees"


class SeeChoice(Middleware):
    def __init__(self) -> None:
        self.seen: list[Any] = []

    async def wrap_model_call(
        self, ctx: RunContext[Any], call: ModelCall, next: ModelHandler
    ) -> ModelResponse:
        self.seen.append(call.request.tool_choice)
        return await next(call)


class ForceNone(Middleware):
    async def wrap_model_call(
        self, ctx: RunContext[Any], call: ModelCall, next: ModelHandler
    ) -> ModelResponse:
        return await next(replace(call, request=replace(call.request, tool_choice="none")))


def _recording_model(sent: list[Any]) -> FunctionModel:
    def turn(request: ModelRequest, info: FunctionInfo) -> ModelTurn:
        sent.append(request.tool_choice)
        if request.tool_choice != "none" and request.items[-1].kind == "user":
            return ModelTurn(tool_calls=(call_tool("lookup", {"city": "Oslo"}),))
        return text("done")

    return FunctionModel(turn)


async def test_an_outer_middleware_sees_the_agents_tool_choice() -> None:
    spy = SeeChoice()
    agent = Agent(name="a", model=_recording_model([]), tools=[lookup], tool_choice="required")
    await agent.run("weather?", middleware=[spy])
    # Turn 1 is the agent's "required"; after a tool was used it resets to "auto".
    assert spy.seen == ["required", "auto"]


async def test_a_middleware_that_replaces_the_tool_choice_is_obeyed() -> None:
    sent: list[Any] = []
    agent = Agent(name="a", model=_recording_model(sent), tools=[lookup], tool_choice="required")
    result = await agent.run("weather?", middleware=[ForceNone()])
    assert sent == ["none"]
    assert result.output_text == "done"
    # The run records what was actually sent.
    assert result.run.tool_choice == "none"


async def test_the_run_records_the_agents_tool_choice() -> None:
    agent = Agent(name="a", model=_recording_model([]), tools=[lookup], tool_choice="required")
    result = await agent.run("weather?")
    assert result.run.tool_choice == "required"


async def test_a_named_tool_choice_is_recorded_in_the_assistants_shape() -> None:
    agent = Agent(name="a", model=_recording_model([]), tools=[lookup], tool_choice="lookup")
    result = await agent.run("weather?")
    assert result.run.tool_choice == {"type": "function", "function": {"name": "lookup"}}


async def test_a_final_tool_output_ends_the_run_without_another_model_call() -> None:
    sent: list[Any] = []
    agent = Agent(
        name="a",
        model=_recording_model(sent),
        tools=[lookup],
        tool_choice=StopAtTools(("lookup",)),
    )
    result = await agent.run("weather?")
    assert len(sent) == 1
    assert result.status == "completed"
    assert result.output_text == "Oslo: 18 degrees"
    assert result.usage.requests == 1
