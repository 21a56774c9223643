"""A `FakeReply` written as a Chat Completions object and as its stream of chunks."""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from typing import Any

from agentkit.testing.fake_openai.script import FakeReply

__all__ = ["chat_chunks", "chat_completion"]

NewId = Callable[[str], str]


def chat_completion(
    reply: FakeReply, body: Mapping[str, Any], new_id: NewId, *, usage: dict[str, int]
) -> dict[str, Any]:
    """The ``chat.completion`` JSON for this reply (call ids are assigned here)."""
    message: dict[str, Any] = {"role": "assistant", "content": reply.text, "refusal": None}
    calls = [
        {
            "id": call.call_id or new_id("call"),
            "type": "function",
            "function": {"name": call.name, "arguments": call.arguments_json},
        }
        for call in reply.tool_calls
    ]
    if calls:
        message["tool_calls"] = calls
    return {
        "id": new_id("chatcmpl"),
        "object": "chat.completion",
        "created": int(time.time()),
        "model": body.get("model", "fake-model"),
        "choices": [
            {
                "index": 0,
                "finish_reason": _finish_reason(reply, bool(calls)),
                "logprobs": None,
                "message": message,
            }
        ],
        "usage": _usage(usage),
    }


def chat_chunks(
    completion: dict[str, Any], reply: FakeReply, body: Mapping[str, Any]
) -> list[dict[str, Any] | str]:
    """The stream of ``completion``: role, text pieces, call fragments, finish, usage, [DONE]."""
    base = {key: completion[key] for key in ("id", "created", "model")}
    base["object"] = "chat.completion.chunk"
    choice = completion["choices"][0]
    message = choice["message"]

    def chunk(delta: dict[str, Any], finish: str | None = None) -> dict[str, Any]:
        entry = {"index": 0, "delta": delta, "finish_reason": finish, "logprobs": None}
        return {**base, "choices": [entry]}

    chunks: list[dict[str, Any] | str] = [chunk({"role": "assistant", "content": ""})]
    chunks.extend(chunk({"content": piece}) for piece in _pieces(message["content"], reply))
    for index, call in enumerate(message.get("tool_calls", ())):
        chunks.extend(chunk({"tool_calls": [f]}) for f in _fragments(index, call, reply))
    if reply.stream_error is not None:
        code, text = reply.stream_error
        chunks.append({"error": {"message": text, "type": "server_error", "code": code}})
    chunks.append(chunk({}, choice["finish_reason"]))
    if (body.get("stream_options") or {}).get("include_usage"):
        chunks.append({**base, "choices": [], "usage": completion["usage"]})
    chunks.append("[DONE]")
    return chunks


def _fragments(index: int, call: dict[str, Any], reply: FakeReply) -> list[dict[str, Any]]:
    first: dict[str, Any] = {"index": index, "type": "function"}
    if not reply.omit_call_ids:
        first["id"] = call["id"]
    first["function"] = {"name": call["function"]["name"], "arguments": ""}
    rest = [
        {"index": index, "function": {"arguments": piece}}
        for piece in _pieces(call["function"]["arguments"], reply)
    ]
    return [first, *rest]


def _pieces(text: str | None, reply: FakeReply) -> list[str]:
    if not text:
        return []
    size = max(1, reply.chunk_size)
    return [text[i : i + size] for i in range(0, len(text), size)]


def _finish_reason(reply: FakeReply, has_calls: bool) -> str:
    if reply.incomplete == "max_output_tokens":
        return "length"
    if reply.incomplete == "content_filter":
        return "content_filter"
    return "tool_calls" if has_calls else "stop"


def _usage(usage: dict[str, int]) -> dict[str, int]:
    return {
        "prompt_tokens": usage["input"],
        "completion_tokens": usage["output"],
        "total_tokens": usage["input"] + usage["output"],
    }
