"""A remote run makes no more HTTP requests, and waits no longer, than a raw SDK loop would.

Polled runs also list their steps at their end, which the raw loop does not read; a new
thread is created with its run, which the raw loop does in two requests.
"""

from __future__ import annotations

import json
import logging
import warnings
from typing import Literal

import pytest
from openai import AsyncOpenAI
from openai.types.beta.threads.run_submit_tool_outputs_params import ToolOutput

from agentkit.exceptions import NotFoundError
from agentkit.remote import PollPolicy, RemoteDeviationWarning, RemoteRunner
from agentkit.remote.sdk import assistants_api

from .conftest import DOUBLE_KEY
from .double import Double
from .test_runner import weather_agent

Mode = Literal["stream", "poll"]


async def raw_poll_loop(client: AsyncOpenAI, assistant_id: str, question: str) -> str:
    """What an SDK user writes: create the thread with the message, poll, submit, poll, list."""
    with assistants_api():
        threads = client.beta.threads
        thread = await threads.create(messages=[{"role": "user", "content": question}])
        run = await threads.runs.create_and_poll(thread_id=thread.id, assistant_id=assistant_id)
        while run.status == "requires_action" and run.required_action is not None:
            calls = run.required_action.submit_tool_outputs.tool_calls
            outputs: list[ToolOutput] = [{"tool_call_id": c.id, "output": "sunny"} for c in calls]
            run = await threads.runs.submit_tool_outputs_and_poll(
                run_id=run.id, thread_id=thread.id, tool_outputs=outputs
            )
        page = await threads.messages.list(thread.id, run_id=run.id)
    return json.dumps([m.id for m in page.data])


async def raw_stream_loop(client: AsyncOpenAI, assistant_id: str, question: str) -> None:
    """The streamed raw loop: create the thread with the message, stream, submit streamed."""
    with assistants_api():
        threads = client.beta.threads
        thread = await threads.create(messages=[{"role": "user", "content": question}])
        stream = await threads.runs.create(thread.id, assistant_id=assistant_id, stream=True)
        while True:
            paused = None
            async for event in stream:
                if event.event == "thread.run.requires_action":
                    paused = event.data
            if paused is None or paused.required_action is None:
                return
            calls = paused.required_action.submit_tool_outputs.tool_calls
            answers: list[ToolOutput] = [{"tool_call_id": c.id, "output": "sunny"} for c in calls]
            stream = await threads.runs.submit_tool_outputs(
                paused.id, thread_id=thread.id, tool_outputs=answers, stream=True
            )


@pytest.mark.parametrize("mode", ["poll", "stream"])
async def test_a_run_makes_no_more_requests_than_the_raw_sdk_loop(
    client: AsyncOpenAI, double: Double, mode: Mode
) -> None:
    if mode == "stream":
        double.in_progress_polls = 0  # each stream goes on to the run's next stop
    runner = RemoteRunner(client, mode=mode, poll=PollPolicy(default=0.01, jitter=0))
    agent = weather_agent()
    await runner.run(agent, "warm up")  # creates the assistant once
    [assistant_id] = double.assistants

    before = len(double.requests)
    result = await runner.run(agent, "Weather in Paris?")
    ours = len(double.requests) - before
    before = len(double.requests)
    if mode == "poll":
        await raw_poll_loop(client, assistant_id, "Weather in Paris?")
    else:
        await raw_stream_loop(client, assistant_id, "Weather in Paris?")
    raw = len(double.requests) - before

    assert result.status == "completed"
    assert result.output_text.startswith("outputs: ")
    # Polled, agentkit lists the run's steps at its end (to report them as events), which the
    # raw loop does not read; it makes up for it by creating the thread with the run.
    assert ours <= raw, [path for _, path, _, _ in double.requests[-(ours + raw) :]]


async def test_the_run_is_retrieved_at_once_after_create_and_submit(
    client: AsyncOpenAI, double: Double
) -> None:
    double.in_progress_polls = 0  # the service is done by the first retrieve
    waits: list[float] = []

    async def record(seconds: float) -> None:
        waits.append(seconds)

    runner = RemoteRunner(client, mode="poll", poll=PollPolicy(sleep=record))
    result = await runner.run(weather_agent(), "Weather in Paris?")

    assert result.status == "completed"
    assert waits == []


@pytest.mark.parametrize("mode", ["poll", "stream"])
async def test_a_new_thread_and_its_message_are_created_with_the_run(
    client: AsyncOpenAI, double: Double, mode: Mode
) -> None:
    runner = RemoteRunner(client, mode=mode, poll=PollPolicy(default=0.01))
    result = await runner.run(weather_agent(), "Weather in Paris?")

    assert result.status == "completed"
    assert not [p for p in double.paths() if p.endswith(("/threads", "/messages"))]
    [created] = [body for m, p, _, body in double.requests if m == "POST" and p.endswith("/runs")]
    assert created["thread"] == {"messages": [{"role": "user", "content": "Weather in Paris?"}]}
    assert result.run.thread_id in double.threads


async def test_on_a_given_thread_the_user_message_goes_with_the_run(
    client: AsyncOpenAI, double: Double
) -> None:
    runner = RemoteRunner(client, mode="stream")
    thread = await runner.create_thread()
    await runner.run(weather_agent(), "Weather in Paris?", thread=thread)

    assert not [p for p in double.paths() if p.endswith("/messages")]
    [created] = [body for m, p, _, body in double.requests if m == "POST" and p.endswith("/runs")]
    assert created["additional_messages"] == [{"role": "user", "content": "Weather in Paris?"}]


@pytest.mark.parametrize("mode", ["poll", "stream"])
async def test_a_service_without_thread_and_run_gets_the_thread_first_after_one_warning(
    client: AsyncOpenAI, double: Double, mode: Mode
) -> None:
    double.thread_and_run = False
    runner = RemoteRunner(client, mode=mode, poll=PollPolicy(default=0.01))
    agent = weather_agent()

    with pytest.warns(RemoteDeviationWarning, match="POST /threads/runs"):
        first = await runner.run(agent, "Weather in Paris?")
    second = await runner.run(agent, "Weather in Rome?")

    assert first.status == second.status == "completed"
    assert first.run.thread_id != second.run.thread_id
    assert double.paths().count("/v1/threads/runs") == 1  # found out once per runner
    created = [body for m, p, _, body in double.requests if m == "POST" and p.endswith("/runs")]
    assert [body["additional_messages"] for body in created[1:]] == [
        [{"role": "user", "content": "Weather in Paris?"}],
        [{"role": "user", "content": "Weather in Rome?"}],
    ]


async def test_a_missing_assistant_is_not_taken_for_a_missing_route(
    client: AsyncOpenAI, double: Double
) -> None:
    runner = RemoteRunner(client, mode="poll", poll=PollPolicy(default=0.01))
    agent = weather_agent()
    await runner.sync(agent)
    [(assistant_id, assistant)] = double.assistants.items()
    del double.assistants[assistant_id]  # deleted on the service behind the runner's back

    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always")
        with pytest.raises(NotFoundError):
            await runner.run(agent, "Weather in Paris?")
    double.assistants[assistant_id] = assistant
    result = await runner.run(agent, "Weather in Rome?")

    assert not [w for w in seen if issubclass(w.category, RemoteDeviationWarning)]
    assert result.status == "completed"
    # The thread-first try told a missing assistant from a missing route: still one request.
    assert double.paths()[-2:] == [
        "/v1/threads/runs",
        f"/v1/threads/{result.run.thread_id}/runs/{result.run.id}/submit_tool_outputs",
    ]


@pytest.mark.parametrize("mode", ["poll", "stream"])
@pytest.mark.parametrize(
    "route, instructions",
    [(True, None), (False, None), (True, "Answer in French.")],
    ids=["one-request", "no-thread-and-run-route", "additional-instructions"],
)
async def test_a_run_the_service_refuses_leaves_no_new_thread_behind(
    client: AsyncOpenAI, double: Double, mode: Mode, route: bool, instructions: str | None
) -> None:
    double.thread_and_run = route
    runner = RemoteRunner(client, mode=mode, poll=PollPolicy(default=0.01))
    agent = weather_agent()
    await runner.sync(agent)
    double.assistants.clear()  # deleted on the service behind the runner's back

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RemoteDeviationWarning)
        with pytest.raises(NotFoundError, match="assistant"):
            await runner.run(agent, "Weather in Paris?", additional_instructions=instructions)

    assert double.threads == set()
    made = [p for p in double.paths() if p == "/v1/threads"]
    assert len(double.paths("DELETE")) == len(made)  # each thread made for the run, deleted


async def test_a_thread_that_cannot_be_deleted_is_logged_without_the_key_and_the_run_error_wins(
    client: AsyncOpenAI, double: Double, caplog: pytest.LogCaptureFixture
) -> None:
    double.refuse_deletes = True
    runner = RemoteRunner(client, mode="poll", poll=PollPolicy(default=0.01))
    agent = weather_agent()
    await runner.sync(agent)
    double.assistants.clear()

    with (
        caplog.at_level(logging.WARNING, logger="agentkit.remote"),
        pytest.raises(NotFoundError, match="assistant"),
    ):
        await runner.run(agent, "Weather in Paris?", additional_instructions="Be brief.")

    [record] = [r for r in caplog.records if "could not delete" in r.getMessage()]
    assert "cannot delete (Bearer ***" in record.getMessage()
    assert DOUBLE_KEY not in caplog.text


async def test_a_run_on_a_given_thread_that_is_refused_keeps_the_thread(
    client: AsyncOpenAI, double: Double
) -> None:
    runner = RemoteRunner(client, mode="poll", poll=PollPolicy(default=0.01))
    agent = weather_agent()
    await runner.sync(agent)
    thread = await runner.create_thread()
    double.assistants.clear()

    with pytest.raises(NotFoundError):
        await runner.run(agent, "Weather in Paris?", thread=thread)

    assert double.threads == {thread.id}  # the caller's thread is the caller's
    assert double.paths("DELETE") == []


def test_waits_without_the_header_start_small_and_double_up_to_the_default() -> None:
    policy = PollPolicy(default=0.5, initial=0.05, jitter=0)

    waits = [policy.interval({}, waited) for waited in range(6)]

    assert waits == pytest.approx([0.05, 0.1, 0.2, 0.4, 0.5, 0.5])
    assert policy.interval({"openai-poll-after-ms": "300"}, 0) == 0.3
