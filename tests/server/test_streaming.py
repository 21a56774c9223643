"""The SSE wire: event names on the ``event:`` line, bare objects as data, documented order."""

from __future__ import annotations

import httpx2

from tests.server.conftest import create_quiz_assistant
from tests.server.sse_frames import parse_sse


async def _stream_to_requires_action(http: httpx2.AsyncClient) -> tuple[str, list]:  # type: ignore[type-arg]
    assistant_id = await create_quiz_assistant(http)
    thread = (await http.post("/v1/threads", json={})).json()
    await http.post(f"/v1/threads/{thread['id']}/messages", json={"role": "user", "content": "q"})
    response = await http.post(
        f"/v1/threads/{thread['id']}/runs", json={"assistant_id": assistant_id, "stream": True}
    )
    assert response.headers["content-type"].startswith("text/event-stream")
    return thread["id"], parse_sse(response.text)


async def test_run_stream_emits_created_queued_in_progress_step_and_requires_action(
    http: httpx2.AsyncClient,
) -> None:
    _, frames = await _stream_to_requires_action(http)
    assert [name for name, _ in frames] == [
        "thread.run.created",
        "thread.run.queued",
        "thread.run.in_progress",
        "thread.run.step.created",
        "thread.run.step.in_progress",
        "thread.run.step.delta",
        "thread.run.requires_action",
        "done",
    ]
    step = frames[3][1]
    assert step["step_details"] == {"type": "tool_calls", "tool_calls": []}
    delta = frames[5][1]
    call = delta["delta"]["step_details"]["tool_calls"][0]
    assert (delta["object"], delta["id"], call["index"], call["function"]["output"]) == (
        "thread.run.step.delta",
        step["id"],
        0,
        None,
    )
    assert frames[-1] == ("done", "[DONE]")


async def test_submit_stream_continues_with_queued_in_progress_message_and_completed(
    http: httpx2.AsyncClient,
) -> None:
    thread_id, frames = await _stream_to_requires_action(http)
    run = frames[-2][1]
    call_id = run["required_action"]["submit_tool_outputs"]["tool_calls"][0]["id"]
    response = await http.post(
        f"/v1/threads/{thread_id}/runs/{run['id']}/submit_tool_outputs",
        json={"tool_outputs": [{"tool_call_id": call_id, "output": "yes"}], "stream": True},
    )
    frames = parse_sse(response.text)
    assert [name for name, _ in frames] == [
        "thread.run.queued",
        "thread.run.in_progress",
        "thread.run.step.completed",
        "thread.run.step.created",
        "thread.run.step.in_progress",
        "thread.message.created",
        "thread.message.in_progress",
        "thread.message.delta",
        "thread.message.delta",
        "thread.message.completed",
        "thread.run.step.completed",
        "thread.run.completed",
        "done",
    ]
    message_id = frames[5][1]["id"]
    assert frames[7][1] == {
        "id": message_id,
        "object": "thread.message.delta",
        "delta": {
            "content": [
                {
                    "index": 0,
                    "type": "text",
                    "text": {"value": '{"display_quiz": ', "annotations": []},
                }
            ]
        },
    }
    assert frames[9][1]["content"][0]["text"]["value"] == '{"display_quiz": "yes"}'
    assert frames[2][1]["step_details"]["tool_calls"][0]["function"]["output"] == "yes"


async def test_create_thread_and_run_stream_starts_with_thread_created(
    http: httpx2.AsyncClient,
) -> None:
    assistant = (await http.post("/v1/assistants", json={"model": "gpt-4o"})).json()
    response = await http.post(
        "/v1/threads/runs",
        json={
            "assistant_id": assistant["id"],
            "thread": {"messages": [{"role": "user", "content": "hello"}]},
            "stream": True,
        },
    )
    frames = parse_sse(response.text)
    names = [name for name, _ in frames]
    assert names[:2] == ["thread.created", "thread.run.created"]
    assert names[-2:] == ["thread.run.completed", "done"]
    assert frames[1][1]["thread_id"] == frames[0][1]["id"]
