"""Cancelling remote runs: the caller's task, or RemoteRunner.cancel, cancels the remote run."""

from __future__ import annotations

import asyncio
from contextlib import aclosing
from typing import Literal

import pytest
from openai import AsyncOpenAI

from agentkit.events import RunStatusEvent
from agentkit.exceptions import UserError
from agentkit.records import Run
from agentkit.remote import PollPolicy, RemoteRunner

from .double import Double
from .test_runner import weather_agent

Mode = Literal["stream", "poll"]
MODES = pytest.mark.parametrize("mode", ["stream", "poll"])


def cancels(double: Double) -> list[str]:
    return [p for p in double.paths() if p.endswith("/cancel")]


@MODES
async def test_runner_cancel_cancels_remote_and_ends_cancelled(
    client: AsyncOpenAI, double: Double, mode: Mode
) -> None:
    double.hang = True
    runner = RemoteRunner(client, mode=mode, poll=PollPolicy(default=0.01))
    statuses: list[str] = []
    runs: list[Run] = []
    async with aclosing(runner.iter_run(weather_agent(), "hi")) as events:
        async for event in events:
            if isinstance(event, RunStatusEvent):
                statuses.append(event.status)
                runs.append(event.run)
                if event.status == "in_progress":
                    cancelled = await runner.cancel(event.run)
    assert statuses[-1] == "cancelled"
    assert cancelled.status == "cancelled"
    run = runs[-1]
    assert cancels(double) == [f"/v1/threads/{run.thread_id}/runs/{run.id}/cancel"]


@MODES
async def test_cancelling_the_callers_task_sends_the_remote_cancel(
    client: AsyncOpenAI, double: Double, mode: Mode
) -> None:
    double.hang = True
    runner = RemoteRunner(client, mode=mode, poll=PollPolicy(default=0.01))
    started = asyncio.Event()

    async def consume() -> None:
        async for event in runner.iter_run(weather_agent(), "hi"):
            if isinstance(event, RunStatusEvent) and event.status == "in_progress":
                started.set()

    task = asyncio.create_task(consume())
    await started.wait()
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    [run_id] = list(double.runs)
    assert cancels(double) == [f"/v1/threads/{double.runs[run_id].thread_id}/runs/{run_id}/cancel"]


async def test_runner_cancel_by_run_id_cancels_a_run_it_is_driving(
    client: AsyncOpenAI, double: Double
) -> None:
    double.hang = True
    runner = RemoteRunner(client, mode="poll", poll=PollPolicy(default=0.01))
    async with aclosing(runner.iter_run(weather_agent(), "hi")) as events:
        async for event in events:
            if isinstance(event, RunStatusEvent) and event.status == "in_progress":
                cancelled = await runner.cancel(event.run.id)
    assert cancelled.status == "cancelled"
    assert len(cancels(double)) == 1


async def test_cancel_by_id_of_a_run_it_does_not_know_names_what_is_needed(
    client: AsyncOpenAI,
) -> None:
    with pytest.raises(UserError, match="pass the Run"):
        await RemoteRunner(client).cancel("run_unknown")
