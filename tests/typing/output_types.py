"""What ``Agent(output_type=...)`` infers for ``result.output`` (``mypy --strict tests/typing``)."""

from __future__ import annotations

from typing import Any, Literal, assert_type

from pydantic import BaseModel

from agentkit import Agent, OutputType, Runner
from agentkit.runs.result import RunResult


class Weather(BaseModel):
    city: str


async def check() -> None:
    text_agent = Agent(name="t", model="test")
    assert_type(text_agent, Agent[Any, str])
    assert_type((await text_agent.run("hi")).output, str)

    typed = Agent(name="w", model="test", output_type=Weather)
    result = await typed.run("hi")
    assert_type(result, RunResult[Weather])
    assert_type(result.output, Weather)
    assert_type(result.output_text, str)
    assert_type((await Runner().run(typed, "hi")).output, Weather)

    numbers = Agent(name="n", model="test", output_type=list[int])
    assert_type((await numbers.run("hi")).output, list[int])

    # Special forms (Literal, unions) go through OutputType; annotate to keep the type.
    yes_no: Agent[None, Literal["yes", "no"]] = Agent(
        name="y", model="test", output_type=OutputType(Literal["yes", "no"])
    )
    assert_type((await yes_no.run("hi")).output, Literal["yes", "no"])
