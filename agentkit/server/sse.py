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
                                       (two for a hosted call: the call, then its input)
`HostedCallEvent`                      ``thread.run.step.delta`` with the call's outputs
`StepCompletedEvent`                   ``thread.run.step.<completed|failed|cancelled|expired>``
`MessageCreatedEvent`                  ``thread.message.created``, ``...in_progress``, and one
                                       ``thread.message.delta`` per image part
`TextDeltaEvent`                       ``thread.message.delta`` (after the image parts)
`MessageCompletedEvent`                ``thread.message.<completed|incomplete>``
=====================================  ==================================================

Tool-call steps start with an empty ``tool_calls`` list and the calls arrive as deltas, so
the openai SDK's stream accumulator (which appends deltas to the snapshot) sees each call once.
Messages start empty too and their image parts arrive as deltas, so the SDK's handler calls
``on_image_file_done`` for each. The code interpreter's deltas follow the hosted API: the call
(``on_tool_call_created``), its ``input`` and then its ``outputs`` (``on_tool_call_delta``).
Annotations (``file_path``) are in the completed message, not in text deltas.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Iterator
from typing import Any

from agentkit.events import (
    HostedCallEvent,
    MessageCompletedEvent,
    MessageCreatedEvent,
    RunEvent,
    RunStatusEvent,
    StepCompletedEvent,
    StepCreatedEvent,
    TextDeltaEvent,
)
from agentkit.records import FunctionToolCall, HostedCall, Message, RunStep, ToolCallsStepDetails
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
        self._calls: dict[str, tuple[str, int]] = {}  # call id -> (step id, index)
        self._text_index: dict[str, int] = {}  # message id -> its text part's index

    def frames(self, event: RunEvent) -> Iterator[Frame]:
        """The frames for one engine event."""
        if isinstance(event, RunStatusEvent):
            yield from self._run_frames(event)
        elif isinstance(event, StepCreatedEvent):
            yield from self._step_created(event.step)
        elif isinstance(event, HostedCallEvent):
            yield from self._hosted_outputs(event)
        elif isinstance(event, StepCompletedEvent):
            yield f"thread.run.step.{event.step.status}", step_wire(event.step)
        elif isinstance(event, MessageCreatedEvent):
            yield from self._message_created(event.message)
        elif isinstance(event, TextDeltaEvent):
            index = self._text_index.get(event.message_id, 0)
            yield "thread.message.delta", _text_delta(event, index)
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

    def _step_created(self, step: RunStep) -> Iterator[Frame]:
        details = step.step_details
        if not isinstance(details, ToolCallsStepDetails):
            data = step_wire(step)
            yield "thread.run.step.created", data
            yield "thread.run.step.in_progress", data
            return
        update = {"step_details": ToolCallsStepDetails(tool_calls=[])}
        empty = step_wire(step.model_copy(update=update))
        yield "thread.run.step.created", empty
        yield "thread.run.step.in_progress", empty
        for index, call in enumerate(details.tool_calls):
            self._calls[call.id] = (step.id, index)
            for delta in _call_deltas(index, call):
                yield "thread.run.step.delta", _step_delta(step.id, delta)

    def _hosted_outputs(self, event: HostedCallEvent) -> Iterator[Frame]:
        # Only for calls whose step this stream announced: the SDK refuses a delta for a step
        # it has not seen created.
        if event.call_id not in self._calls:
            return
        step_id, index = self._calls[event.call_id]
        # What the finished record adds; a hosted kind without ``outputs`` adds its own here.
        outputs = _hosted_body(event.call).get("outputs") or []
        delta = {
            "index": index,
            "type": event.call.type,
            event.call.type: {"outputs": [{"index": i, **out} for i, out in enumerate(outputs)]},
        }
        yield "thread.run.step.delta", _step_delta(step_id, delta)

    def _message_created(self, message: Message) -> Iterator[Frame]:
        data = message_wire(message)
        parts = data.pop("content")
        data["content"] = []
        yield "thread.message.created", data
        yield "thread.message.in_progress", data
        for index, part in enumerate(parts):
            delta = {"id": message.id, "object": "thread.message.delta"}
            yield (
                "thread.message.delta",
                {**delta, "delta": {"content": [{"index": index, **part}]}},
            )
        self._text_index[message.id] = len(parts)


def _hosted_body(call: HostedCall) -> dict[str, Any]:
    body: dict[str, Any] = call.model_dump(mode="json", exclude={"type"})
    return body


def _call_deltas(index: int, call: FunctionToolCall) -> list[dict[str, Any]]:
    if call.hosted is not None:
        kind = call.hosted.type
        body = _hosted_body(call.hosted)
        if "input" not in body:
            return [{"index": index, "id": call.id, "type": kind, kind: body}]
        # The code first arrives empty (on_tool_call_created), then as a delta, as hosted.
        created = {"index": index, "id": call.id, "type": kind, kind: {"input": "", "outputs": []}}
        return [created, {"index": index, "type": kind, kind: {"input": body["input"]}}]
    function = {
        "name": call.function.name,
        "arguments": call.function.arguments,
        "output": call.function.output,
    }
    return [{"index": index, "id": call.id, "type": "function", "function": function}]


def _step_delta(step_id: str, call_delta: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": step_id,
        "object": "thread.run.step.delta",
        "delta": {"step_details": {"type": "tool_calls", "tool_calls": [call_delta]}},
    }


def _text_delta(event: TextDeltaEvent, index: int) -> dict[str, Any]:
    text = {"value": event.text, "annotations": []}
    return {
        "id": event.message_id,
        "object": "thread.message.delta",
        "delta": {"content": [{"index": index, "type": "text", "text": text}]},
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
