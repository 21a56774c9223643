"""Both runners satisfy `AgentRunner` (``mypy --strict tests/typing``)."""

from __future__ import annotations

from openai import AsyncOpenAI

from agentkit import Agent, Runner
from agentkit.remote import RemoteRunner
from agentkit.runs.protocol import AgentRunner
from agentkit.testing import TestModel


async def ask(runner: AgentRunner, agent: Agent[None]) -> str:
    result = await runner.run(agent, "hi")
    return result.output_text


async def check() -> None:
    agent: Agent[None] = Agent(name="a", model=TestModel())
    local: AgentRunner = Runner()
    remote: AgentRunner = RemoteRunner(AsyncOpenAI(api_key="sk-typing-only"))
    await ask(local, agent)
    await ask(remote, agent)
    await agent.run("hi", runner=remote)
