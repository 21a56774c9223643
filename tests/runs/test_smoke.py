from __future__ import annotations

import asyncio

from agentkit.agent import Agent
from agentkit.runner import Runner
from agentkit.testing import FunctionModel

from .conftest import FnTool, ListToolset, Script, requests_of


async def test_text_answer_completes_run() -> None:
    agent = Agent(name="a", model=FunctionModel(Script(["Hello there"])), tools=ListToolset())
    result = await Runner().run(agent, "hi")
    assert result.status == "completed"
    assert result.output_text == "Hello there"


async def test_tool_call_then_answer() -> None:
    async def add(a: int, b: int) -> int:
        await asyncio.sleep(0)
        return a + b

    tool = FnTool("add", add)
    model = FunctionModel(Script([[("c1", "add", {"a": 1, "b": 2})], "3"]))
    agent = Agent(name="a", model=model, tools=ListToolset(tool))
    result = await Runner().run(agent, "add")
    assert result.status == "completed", result.run.last_error
    assert [c.function.output for c in result.tool_calls] == ["3"]
    assert [i.kind for i in requests_of(model)[1].items] == ["user", "tool_call", "tool_output"]
