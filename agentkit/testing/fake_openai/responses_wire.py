"""A `FakeReply` written as a Responses API object and as its SSE event sequence."""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from typing import Any

from agentkit.testing.fake_openai.script import FakeReply

__all__ = ["responses_events", "responses_object"]

NewId = Callable[[str], str]


def responses_object(
    reply: FakeReply, body: Mapping[str, Any], new_id: NewId, *, usage: dict[str, int]
) -> dict[str, Any]:
    """The final ``Response`` JSON for this reply."""
    response = _shell(new_id("resp"), body, status="completed")
    response["output"] = _output_items(reply, new_id)
    response["usage"] = _usage(usage)
    if reply.incomplete is not None:
        response["status"] = "incomplete"
        response["incomplete_details"] = {"reason": reply.incomplete}
    return response


def responses_events(final: dict[str, Any], reply: FakeReply) -> list[dict[str, Any]]:
    """The SSE data objects that stream ``final``, in the order the SDK's helpers require."""
    events: list[dict[str, Any]] = []
    started = {**final, "status": "in_progress", "output": [], "usage": None}
    started["incomplete_details"] = None
    events.append({"type": "response.created", "response": started})
    events.append({"type": "response.in_progress", "response": started})
    for index, item in enumerate(final["output"]):
        events.extend(_item_events(index, item, reply.chunk_size))
    if reply.stream_error is not None:
        code, message = reply.stream_error
        events.append({"type": "error", "code": code, "message": message, "param": None})
    else:
        kind = "response.incomplete" if final["status"] == "incomplete" else "response.completed"
        events.append({"type": kind, "response": final})
    for number, event in enumerate(events):
        event["sequence_number"] = number
    return events


def _shell(response_id: str, body: Mapping[str, Any], *, status: str) -> dict[str, Any]:
    return {
        "id": response_id,
        "object": "response",
        "created_at": int(time.time()),
        "model": body.get("model", "fake-model"),
        "status": status,
        "error": None,
        "incomplete_details": None,
        "instructions": body.get("instructions"),
        "output": [],
        "parallel_tool_calls": body.get("parallel_tool_calls", True),
        "previous_response_id": body.get("previous_response_id"),
        "tool_choice": body.get("tool_choice", "auto"),
        "tools": body.get("tools", []),
        "store": body.get("store", True),
        "usage": None,
        **_conversation(body.get("conversation")),
    }


def _conversation(given: Any) -> dict[str, Any]:
    """The ``conversation`` field of a response that continued one (none otherwise)."""
    conversation_id = given.get("id") if isinstance(given, dict) else given
    return {"conversation": {"id": conversation_id}} if conversation_id else {}


def _output_items(reply: FakeReply, new_id: NewId) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    if reply.text is not None:
        items.append(
            {
                "type": "message",
                "id": new_id("msg"),
                "role": "assistant",
                "status": "completed",
                "content": [{"type": "output_text", "text": reply.text, "annotations": []}],
            }
        )
    for call in reply.tool_calls:
        items.append(
            {
                "type": "function_call",
                "id": new_id("fc"),
                "call_id": call.call_id or new_id("call"),
                "name": call.name,
                "arguments": call.arguments_json,
                "status": "completed",
            }
        )
    return items


def _item_events(index: int, item: dict[str, Any], size: int) -> list[dict[str, Any]]:
    where = {"item_id": item["id"], "output_index": index}
    if item["type"] == "function_call":
        added = {**item, "arguments": "", "status": "in_progress"}
        deltas = [
            {"type": "response.function_call_arguments.delta", **where, "delta": piece}
            for piece in _pieces(item["arguments"], size)
        ]
        done = {
            "type": "response.function_call_arguments.done",
            **where,
            "arguments": item["arguments"],
        }
        middle = [*deltas, done]
    else:
        added = {**item, "content": [], "status": "in_progress"}
        middle = _text_events(where, item["content"][0], size)
    return [
        {"type": "response.output_item.added", "output_index": index, "item": added},
        *middle,
        {"type": "response.output_item.done", "output_index": index, "item": item},
    ]


def _text_events(where: dict[str, Any], part: dict[str, Any], size: int) -> list[dict[str, Any]]:
    text = part["text"]
    at = {**where, "content_index": 0}
    empty = {**part, "text": ""}
    return [
        {"type": "response.content_part.added", **at, "part": empty},
        *[
            {"type": "response.output_text.delta", **at, "delta": piece, "logprobs": []}
            for piece in _pieces(text, size)
        ],
        {"type": "response.output_text.done", **at, "text": text, "logprobs": []},
        {"type": "response.content_part.done", **at, "part": part},
    ]


def _pieces(text: str, size: int) -> list[str]:
    size = max(1, size)
    return [text[i : i + size] for i in range(0, len(text), size)]


def _usage(usage: dict[str, int]) -> dict[str, Any]:
    return {
        "input_tokens": usage["input"],
        "input_tokens_details": {"cached_tokens": 0, "cache_write_tokens": 0},
        "output_tokens": usage["output"],
        "output_tokens_details": {"reasoning_tokens": 0},
        "total_tokens": usage["input"] + usage["output"],
    }
