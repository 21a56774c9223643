"""The openai SDK's run helpers against the server, in-process, with strict validation."""

from __future__ import annotations

import asyncio
import json

import httpx2
from openai import AsyncAssistantEventHandler, AsyncOpenAI
from openai.types.beta import AssistantStreamEvent

from tests.server.conftest import QUIZ_TOOL, assistants_sdk, create_quiz_assistant


class Recorder(AsyncAssistantEventHandler):
    def __init__(self) -> None:
        super().__init__()
        self.names: list[str] = []
        self.tool_calls: list[str] = []
        self.text = ""

    async def on_event(self, event: AssistantStreamEvent) -> None:
        self.names.append(event.event)

    async def on_tool_call_done(self, tool_call) -> None:  # type: ignore[no-untyped-def]
        self.tool_calls.append(f"{tool_call.function.name}({tool_call.function.arguments})")

    async def on_text_done(self, text) -> None:  # type: ignore[no-untyped-def]
        self.text += text.value


@assistants_sdk
async def test_create_and_poll_then_submit_tool_outputs_and_poll_completes_the_run(
    client: AsyncOpenAI, http: httpx2.AsyncClient
) -> None:
    assistant_id = await create_quiz_assistant(http)
    thread = await client.beta.threads.create(messages=[{"role": "user", "content": "Quiz me"}])
    run = await client.beta.threads.runs.create_and_poll(
        thread_id=thread.id, assistant_id=assistant_id, poll_interval_ms=10
    )
    assert run.status == "requires_action" and run.required_action is not None
    calls = run.required_action.submit_tool_outputs.tool_calls
    run = await client.beta.threads.runs.submit_tool_outputs_and_poll(
        thread_id=thread.id,
        run_id=run.id,
        tool_outputs=[{"tool_call_id": calls[0].id, "output": '["a"]'}],
        poll_interval_ms=10,
    )
    assert (run.status, run.required_action, run.usage is not None) == ("completed", None, True)
    messages = await client.beta.threads.messages.list(thread_id=thread.id, order="asc")
    assert [m.content[0].text.value for m in messages.data] == [  # type: ignore[union-attr]
        "Quiz me",
        '{"display_quiz": ["a"]}',
    ]


@assistants_sdk
async def test_runs_stream_and_submit_tool_outputs_stream_drive_the_event_handler(
    client: AsyncOpenAI, http: httpx2.AsyncClient
) -> None:
    assistant_id = await create_quiz_assistant(http)
    thread = await client.beta.threads.create(messages=[{"role": "user", "content": "Quiz me"}])
    first = Recorder()
    async with client.beta.threads.runs.stream(
        thread_id=thread.id, assistant_id=assistant_id, event_handler=first
    ) as stream:
        await stream.until_done()
        run = stream.current_run
    assert run is not None and run.required_action is not None
    call = run.required_action.submit_tool_outputs.tool_calls[0]
    second = Recorder()
    async with client.beta.threads.runs.submit_tool_outputs_stream(
        thread_id=thread.id,
        run_id=run.id,
        tool_outputs=[{"tool_call_id": call.id, "output": "42"}],
        event_handler=second,
    ) as stream:
        await stream.until_done()
        final = await stream.get_final_run()
    assert first.tool_calls == [f"display_quiz({call.function.arguments})"]
    assert first.names[-1] == "thread.run.requires_action"
    assert (second.text, final.status) == ('{"display_quiz": 42}', "completed")
    assert second.names[0] == "thread.run.queued"


@assistants_sdk
async def test_steps_list_shows_the_tool_call_with_its_output_then_the_message(
    client: AsyncOpenAI, http: httpx2.AsyncClient
) -> None:
    assistant_id = await create_quiz_assistant(http)
    thread = await client.beta.threads.create(messages=[{"role": "user", "content": "Quiz me"}])
    run = await client.beta.threads.runs.create_and_poll(
        thread_id=thread.id, assistant_id=assistant_id, poll_interval_ms=10
    )
    call = run.required_action.submit_tool_outputs.tool_calls[0]  # type: ignore[union-attr]
    await client.beta.threads.runs.submit_tool_outputs_and_poll(
        thread_id=thread.id,
        run_id=run.id,
        tool_outputs=[{"tool_call_id": call.id, "output": "ok"}],
        poll_interval_ms=10,
    )
    steps = await client.beta.threads.runs.steps.list(
        thread_id=thread.id, run_id=run.id, order="asc"
    )
    tool_step, message_step = steps.data
    assert (tool_step.type, tool_step.status) == ("tool_calls", "completed")
    details = tool_step.step_details
    assert details.type == "tool_calls"
    assert details.tool_calls[0].function.output == "ok"  # type: ignore[union-attr]
    assert (message_step.type, message_step.status) == ("message_creation", "completed")
    retrieved = await client.beta.threads.runs.steps.retrieve(
        step_id=tool_step.id, thread_id=thread.id, run_id=run.id
    )
    assert retrieved == tool_step


@assistants_sdk
async def test_cancel_ends_a_run_waiting_for_tool_outputs(
    client: AsyncOpenAI, http: httpx2.AsyncClient
) -> None:
    assistant_id = await create_quiz_assistant(http)
    thread = await client.beta.threads.create(messages=[{"role": "user", "content": "Quiz me"}])
    run = await client.beta.threads.runs.create_and_poll(
        thread_id=thread.id, assistant_id=assistant_id, poll_interval_ms=10
    )
    cancelled = await client.beta.threads.runs.cancel(run_id=run.id, thread_id=thread.id)
    assert (cancelled.status, cancelled.required_action) == ("cancelled", None)
    assert cancelled.cancelled_at is not None
    steps = await client.beta.threads.runs.steps.list(thread_id=thread.id, run_id=run.id)
    assert [step.status for step in steps.data] == ["cancelled"]


@assistants_sdk
async def test_concurrent_runs_on_three_threads_all_complete(
    client: AsyncOpenAI, http: httpx2.AsyncClient
) -> None:
    assistant = await client.beta.assistants.create(model="gpt-4o", name="Math Tutor")
    questions = ["3x + 11 = 14?", "linear algebra?", "I don't like math."]
    threads = [
        await client.beta.threads.create(messages=[{"role": "user", "content": q}])
        for q in questions
    ]
    runs = await asyncio.gather(
        *(
            client.beta.threads.runs.create_and_poll(
                thread_id=t.id, assistant_id=assistant.id, poll_interval_ms=10
            )
            for t in threads
        )
    )
    assert [run.status for run in runs] == ["completed"] * 3
    answers = [
        (await client.beta.threads.messages.list(thread_id=t.id)).data[0].content[0].text.value  # type: ignore[union-attr]
        for t in threads
    ]
    assert answers == [f"You said: {q}" for q in questions]


@assistants_sdk
async def test_create_and_run_polls_to_requires_action_on_a_new_thread(
    client: AsyncOpenAI, http: httpx2.AsyncClient
) -> None:
    assistant_id = await create_quiz_assistant(http)
    run = await client.beta.threads.create_and_run_poll(
        assistant_id=assistant_id,
        thread={"messages": [{"role": "user", "content": "Quiz me"}]},
        poll_interval_ms=10,
    )
    assert run.status == "requires_action"
    arguments = run.required_action.submit_tool_outputs.tool_calls[0].function.arguments  # type: ignore[union-attr]
    assert set(json.loads(arguments)) == set(QUIZ_TOOL["function"]["parameters"]["required"])
