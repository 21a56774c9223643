"""Polling honours openai-poll-after-ms on every response, with bounded jitter."""

from __future__ import annotations

import random

import pytest
from openai import AsyncOpenAI

from agentkit.exceptions import UserError
from agentkit.remote import PollPolicy, RemoteRunner

from .double import Double
from .test_runner import weather_agent


async def test_poll_waits_follow_the_header_of_every_response(
    client: AsyncOpenAI, double: Double
) -> None:
    double.set_poll_after("15", "40", "25", "50", "30")
    waits: list[float] = []

    async def record(seconds: float) -> None:
        waits.append(seconds)

    runner = RemoteRunner(client, mode="poll", poll=PollPolicy(jitter=0, sleep=record))
    result = await runner.run(weather_agent(), "hi")
    assert result.status == "completed"
    # The first retrieve after create and after submit goes at once (those responses are
    # queued); every later wait is the header of the retrieve before it.
    assert waits == [after for status, after in double.sent if status == "in_progress"]
    assert len(set(waits)) > 1


def test_interval_reads_the_header_in_milliseconds() -> None:
    assert PollPolicy(jitter=0).interval({"openai-poll-after-ms": "250"}) == 0.25


def test_interval_without_a_valid_header_is_the_default() -> None:
    policy = PollPolicy(default=0.5, jitter=0)
    assert policy.interval({}) == 0.5
    assert policy.interval({"openai-poll-after-ms": "soon"}) == 0.5
    assert policy.interval({"openai-poll-after-ms": "-3"}) == 0.5


def test_interval_is_bounded() -> None:
    policy = PollPolicy(jitter=0, min_interval=0.05, max_interval=2.0)
    assert policy.interval({"openai-poll-after-ms": "0"}) == 0.05
    assert policy.interval({"openai-poll-after-ms": "999999"}) == 2.0


def test_jitter_spreads_waits_within_its_bounds() -> None:
    policy = PollPolicy(jitter=0.2, rng=random.Random(7))
    waits = [policy.interval({"openai-poll-after-ms": "1000"}) for _ in range(200)]
    assert all(0.8 <= w <= 1.2 for w in waits)
    assert max(waits) - min(waits) > 0.2


def test_jitter_of_one_or_more_is_refused() -> None:
    with pytest.raises(UserError, match="jitter"):
        PollPolicy(jitter=1.0)


async def test_poll_mode_reads_the_answer_from_the_messages_when_steps_show_none(
    client: AsyncOpenAI, double: Double
) -> None:
    double.lists_steps = False
    runner = RemoteRunner(client, mode="poll", poll=PollPolicy(default=0.01, jitter=0))

    result = await runner.run(weather_agent(), "Weather in Paris?")

    assert result.status == "completed"
    assert result.output_text.startswith("outputs: ")
    [message] = result.messages
    assert message.run_id == result.run.id
    listed = [q for m, path, q, _ in double.requests if m == "GET" and path.endswith("/messages")]
    assert listed == [{"run_id": result.run.id, "order": "asc", "limit": "100"}]
