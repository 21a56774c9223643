"""A run's model calls stream when its events are read as they come, and are plain requests
when the caller only waits for the result (adapters left at ``stream="auto"``)."""

from __future__ import annotations

from typing import Any

import pytest

from agentkit import Agent, Runner, tool
from agentkit.events import TextDeltaEvent
from agentkit.models import ChatCompletionsModel, Model, ResponsesModel
from agentkit.stores import MemoryStore
from agentkit.testing import FakeOpenAI, FakeReply, FakeToolCall

ADAPTERS = [ResponsesModel, ChatCompletionsModel]


def streamed(fake: FakeOpenAI) -> list[bool]:
    return [bool(body.get("stream")) for body in fake.bodies]


@pytest.mark.parametrize("adapter", ADAPTERS)
async def test_a_run_waited_for_makes_plain_requests_one_read_live_streams(
    adapter: type[Model],
) -> None:
    fake = FakeOpenAI([FakeReply(text="Sunny in Paris."), FakeReply(text="Sunny in Paris.")])
    agent = Agent(name="weather", model=adapter("gpt-test", client=fake.client()))  # type: ignore[call-arg]
    runner = Runner(MemoryStore())

    waited = await runner.run(agent, "Weather?", keep_events=True)
    live = [event async for event in runner.iter_run(agent, "Weather?")]

    assert streamed(fake) == [False, True]
    assert waited.output_text == "Sunny in Paris."
    assert len([e for e in waited.events if isinstance(e, TextDeltaEvent)]) == 1
    assert len([e for e in live if isinstance(e, TextDeltaEvent)]) > 1


@pytest.mark.parametrize("stream", [True, False])
async def test_an_adapter_told_to_stream_or_not_does_so_either_way(stream: bool) -> None:
    fake = FakeOpenAI([FakeReply(text="Hi."), FakeReply(text="Hi.")])
    agent = Agent(name="a", model=ResponsesModel("gpt-test", client=fake.client(), stream=stream))
    runner = Runner(MemoryStore())

    await runner.run(agent, "Hello")
    [_ async for _ in runner.iter_run(agent, "Hello")]

    assert streamed(fake) == [stream, stream]


async def test_a_run_a_tool_reads_live_streams_inside_a_run_waited_for() -> None:
    inner_fake = FakeOpenAI([FakeReply(text="Deep thought.")])
    inner = Agent(name="inner", model=ResponsesModel("gpt-test", client=inner_fake.client()))
    pieces: list[str] = []

    @tool
    async def think(topic: str) -> str:
        """Think about a topic, watching the answer come."""
        async for event in Runner(MemoryStore()).iter_run(inner, topic):
            if isinstance(event, TextDeltaEvent):
                pieces.append(event.text)
        return "".join(pieces)

    outer_fake = FakeOpenAI(
        [FakeReply.calls(FakeToolCall("think", {"topic": "life"})), FakeReply(text="Done.")]
    )
    outer: Agent[Any] = Agent(
        name="outer", model=ResponsesModel("gpt-test", client=outer_fake.client()), tools=[think]
    )

    result = await Runner(MemoryStore()).run(outer, "Think.")

    assert result.output_text == "Done."
    assert streamed(outer_fake) == [False, False]
    assert streamed(inner_fake) == [True]
    assert len(pieces) > 1
