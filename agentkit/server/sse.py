"""A run's events as the Assistants API streams them (Server-Sent Events).

Each frame is ``event: <name>`` plus ``data: <the bare object>``; the stream ends with
``event: done`` / ``data: [DONE]``. One engine event may become several frames:

=====================================  ==================================================
engine event                           frames
=====================================  ==================================================
first `RunStatusEvent` (new run)       ``thread.run.created``, ``thread.run.queued``
first `RunStatusEvent` (resumed run)   ``thread.run.queued``, ``thread.run.in_progress``
`RunStatusEvent`                       ``thread.run.<status>``
`StepCreatedEvent`                     ``thread.run.step.created``, ``...in_progress``, and
                                       for tool calls one ``thread.run.step.delta`` per call
`StepCompletedEvent`                   ``thread.run.step.<completed|failed|cancelled|expired>``
`MessageCreatedEvent`                  ``thread.message.created``, ``...in_progress``
`TextDeltaEvent`                       ``thread.message.delta``
`MessageCompletedEvent`                ``thread.message.<completed|incomplete>``
=====================================  ==================================================

Tool-call steps start with an empty ``tool_calls`` list and the calls arrive as deltas, so
the openai SDK's stream accumulator (which appends deltas to the snapshot) sees each call once.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Iterator
from typing import Any

from agentkit.events import (
    MessageCompletedEvent,
    MessageCreatedEvent,
    RunEvent,
    RunStatusEvent,
    StepCompletedEvent,
    StepCreatedEvent,
    TextDeltaEvent,
)
from agentkit.records import RunStep, ToolCallsStepDetails
from agentkit.server.executor import EventQueue
from agentkit.server.wire import message_wire, run_wire, step_wire

__all__ = ["RunFrames", "frame", "sse_stream"]

Frame = tuple[str, Any]


def frame(event: str, data: Any) -> bytes:
    """One SSE frame; ``data`` is JSON-encoded unless it is already a string."""
    payload = data if isinstance(data, str) else json.dumps(data, separators=(",", ":"))
    return f"event: {event}\ndata: {payload}\n\n".encode()


class RunFrames:
    """Turns one stream's engine events into ``(event name, data)`` pairs.

    Args:
        resumed: the stream continues a run after ``submit_tool_outputs``.
    """

    def __init__(self, *, resumed: bool = False) -> None:
        self.resumed = resumed
        self._started = False

    def frames(self, event: RunEvent) -> Iterator[Frame]:
        """The frames for one engine event."""
        if isinstance(event, RunStatusEvent):
            yield from self._run_frames(event)
        elif isinstance(event, StepCreatedEvent):
            yield from _step_created(event.step)
        elif isinstance(event, StepCompletedEvent):
            yield f"thread.run.step.{event.step.status}", step_wire(event.step)
        elif isinstance(event, MessageCreatedEvent):
            data = message_wire(event.message)
            yield "thread.message.created", data
            yield "thread.message.in_progress", data
        elif isinstance(event, TextDeltaEvent):
            yield "thread.message.delta", _text_delta(event)
        elif isinstance(event, MessageCompletedEvent):
            status = "incomplete" if event.message.status == "incomplete" else "completed"
            yield f"thread.message.{status}", message_wire(event.message)

    def _run_frames(self, event: RunStatusEvent) -> Iterator[Frame]:
        run = event.run
        if not self._started:
            self._started = True
            if self.resumed:
                queued = run.model_copy(update={"status": "queued"})
                yield "thread.run.queued", run_wire(queued)
            else:
                yield "thread.run.created", run_wire(run)
        yield f"thread.run.{run.status}", run_wire(run)


def _step_created(step: RunStep) -> Iterator[Frame]:
    details = step.step_details
    if not isinstance(details, ToolCallsStepDetails):
        data = step_wire(step)
        yield "thread.run.step.created", data
        yield "thread.run.step.in_progress", data
        return
    empty = step_wire(step.model_copy(update={"step_details": ToolCallsStepDetails(tool_calls=[])}))
    yield "thread.run.step.created", empty
    yield "thread.run.step.in_progress", empty
    for index, call in enumerate(details.tool_calls):
        delta = {
            "index": index,
            "id": call.id,
            "type": "function",
            "function": {
                "name": call.function.name,
                "arguments": call.function.arguments,
                "output": call.function.output,
            },
        }
        yield (
            "thread.run.step.delta",
            {
                "id": step.id,
                "object": "thread.run.step.delta",
                "delta": {"step_details": {"type": "tool_calls", "tool_calls": [delta]}},
            },
        )


def _text_delta(event: TextDeltaEvent) -> dict[str, Any]:
    return {
        "id": event.message_id,
        "object": "thread.message.delta",
        "delta": {
            "content": [
                {"index": 0, "type": "text", "text": {"value": event.text, "annotations": []}}
            ]
        },
    }


async def sse_stream(
    queue: EventQueue, frames: RunFrames, prelude: tuple[Frame, ...] = ()
) -> AsyncIterator[bytes]:
    """The response body: ``prelude`` frames, the run's frames until it pauses or ends, done."""
    for name, data in prelude:
        yield frame(name, data)
    while (event := await queue.get()) is not None:
        for name, data in frames.frames(event):
            yield frame(name, data)
    yield frame("done", "[DONE]")
