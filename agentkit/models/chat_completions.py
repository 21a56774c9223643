"""`ChatCompletionsModel`: the adapter for any Chat Completions server (OpenAI, Azure, local)."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Mapping, Sequence
from contextlib import aclosing
from dataclasses import dataclass, field
from typing import Any, TypeAlias, get_args

from openai import AsyncOpenAI

from agentkit.exceptions import ModelError, UserError
from agentkit.models.chat_wire import MaxTokensParam, chat_params
from agentkit.models.client import OpenAIClientModel, new_call_id, post_for_events, wire_body
from agentkit.models.endpoint import Endpoint
from agentkit.models.errors import mid_stream_errors, model_error_from, stream_interrupted
from agentkit.models.events import (
    FinishReason,
    ModelResponseDone,
    ModelStreamEvent,
    ModelTextDelta,
    ModelToolCall,
)
from agentkit.models.request import ModelRequest, StreamMode, streams
from agentkit.usage import Usage

__all__ = ["ChatCompletionsModel"]

Json: TypeAlias = Mapping[str, Any]
"""A JSON object of the reply (completion, chunk, choice, call), as the server sent it."""


class ChatCompletionsModel(OpenAIClientModel):
    """Talks to ``POST /chat/completions`` through an `AsyncOpenAI` or `AsyncAzureOpenAI` client.

    Works with vLLM, SGLang, Ollama, llama.cpp and LM Studio as well as OpenAI and Azure:
    streamed tool-call fragments are joined by ``index`` (a new id, or for servers without
    ids a new function name, starts another call at the same index), calls without an id get
    a ``call_…`` id, an empty ``finish_reason`` is no finish, and when ``parallel_tool_calls``
    is False only the first of several calls is kept. A stopped answer
    (``finish_reason: "length"``) ends with ``incomplete_reason="max_output_tokens"``, the same
    words the Responses adapter uses; ``finish_reason: "tool_calls"`` without any call raises
    `ModelError` (``invalid_response``) rather than ending the turn with nothing.

    Args:
        model_name: the model, or the deployment name on Azure.
        client: the SDK client. Without one, requests go to ``endpoint``, or to OpenAI's
            endpoint from ``OPENAI_API_KEY`` and ``OPENAI_BASE_URL``, read at the first
            request, through a client per event loop (see `OpenAIClientModel`).
        endpoint: the API to talk to, instead of a client.
        stream: ``"auto"`` (the default) streams the response when the run's events are read as
            they come (``iter_run``) and makes one plain request when the caller waits for
            the result (``run()``, `ModelRequest.live`); True always streams (a proxy that
            cuts idle connections during a long answer needs it), False never does.
        include_usage: ask for token usage at the end of a stream (``stream_options``); turn off
            for servers that reject ``stream_options``.
        max_tokens_param: the field that carries ``max_output_tokens``. OpenAI wants
            ``max_completion_tokens`` (the default); some local servers know only ``max_tokens``.
        structured_output: whether the server supports ``response_format`` with a JSON
            Schema. False for one that does not: an agent's typed answer is then asked for
            through a ``final_answer`` tool (see ``docs/typed-output.md``).
    """

    api = "chat.completions"

    def __init__(
        self,
        model_name: str,
        *,
        client: AsyncOpenAI | None = None,
        endpoint: Endpoint | None = None,
        stream: StreamMode = "auto",
        include_usage: bool = True,
        max_tokens_param: MaxTokensParam = "max_completion_tokens",
        structured_output: bool = True,
    ) -> None:
        if max_tokens_param not in get_args(MaxTokensParam):
            raise UserError(
                f"ChatCompletionsModel: max_tokens_param must be one of "
                f"{get_args(MaxTokensParam)}, not {max_tokens_param!r}"
            )
        super().__init__(model_name, client=client, endpoint=endpoint)
        self.streaming: StreamMode = stream
        self.include_usage = include_usage
        self.max_tokens_param: MaxTokensParam = max_tokens_param
        self.structured_output = structured_output

    async def stream(self, request: ModelRequest) -> AsyncIterator[ModelStreamEvent]:
        wire = chat_params(
            request, model_name=self.model_name, max_tokens_param=self.max_tokens_param
        )
        body = wire_body(wire)
        limit = 1 if request.parallel_tool_calls is False else None
        if streams(self.streaming, request):
            if self.include_usage:
                body["stream_options"] = {"include_usage": True}
            async for event in self._stream_events(body, limit):
                yield event
            return
        try:
            completion = await self.client.post(
                "/chat/completions", body={**body, "stream": False}, cast_to=object
            )
        except Exception as exc:
            raise model_error_from(exc) from exc
        for event in _completion_events(completion, limit):
            yield event

    async def _stream_events(
        self, body: dict[str, Any], limit: int | None
    ) -> AsyncIterator[ModelStreamEvent]:
        try:
            stream = await post_for_events(self.client, "/chat/completions", body)
        except Exception as exc:
            raise model_error_from(exc) from exc
        calls = _CallBuffer()
        response_id: str | None = None
        finish: str | None = None
        usage = Usage(requests=1)
        async with stream, aclosing(mid_stream_errors(stream)) as chunks:
            async for chunk in chunks:
                if not isinstance(chunk, dict):
                    continue  # not a chunk (a server's keep-alive value): nothing to read
                response_id = response_id or chunk.get("id") or None
                usage = _usage(chunk.get("usage")) or usage
                for choice in _objects(chunk.get("choices")):
                    # Only the first choice is the answer (agentkit never asks for n > 1).
                    if choice.get("index", 0) != 0:
                        continue
                    delta = choice.get("delta")
                    delta = delta if isinstance(delta, dict) else {}
                    if delta.get("content"):
                        yield ModelTextDelta(str(delta["content"]))
                    calls.feed(_objects(delta.get("tool_calls")))
                    # SGLang sends "" on every chunk before the last: an empty reason is none.
                    finish = finish or choice.get("finish_reason") or None
        if finish is None:
            raise stream_interrupted("the stream ended without a finish_reason")
        # Calls are only known complete at the end: servers interleave them, and some send
        # fragments after the chunk that carries the finish reason.
        for call in calls.complete(limit):
            yield call
        yield _done(response_id, finish, calls.count > 0, usage)


def _objects(value: Any) -> list[Json]:
    """The JSON objects of a list in the reply (nothing for a missing or malformed list)."""
    if not isinstance(value, list):
        return []
    return [item for item in value if isinstance(item, dict)]


@dataclass
class _PendingCall:
    call_id: str | None
    name: str
    arguments: list[str] = field(default_factory=list)


class _CallBuffer:
    """Joins streamed tool-call fragments into whole calls, keyed by ``index``."""

    def __init__(self) -> None:
        self._calls: list[_PendingCall] = []
        self._by_index: dict[int | None, _PendingCall] = {}

    @property
    def count(self) -> int:
        return len(self._calls)

    def feed(self, fragments: Sequence[Json]) -> None:
        for fragment in fragments:
            function = fragment.get("function")
            function = function if isinstance(function, dict) else {}
            name = function.get("name") or None
            call_id = fragment.get("id") or None
            # Ollama before 0.4.7 sends no index at all.
            index: int | None = fragment.get("index")
            current = self._by_index.get(index)
            if current is None or _starts_new_call(current, call_id, name):
                current = _PendingCall(call_id, name or "")
                self._calls.append(current)
                self._by_index[index] = current
            else:
                current.call_id = current.call_id or call_id
                current.name = current.name or name or ""
            if function.get("arguments"):
                current.arguments.append(str(function["arguments"]))

    def complete(self, limit: int | None) -> list[ModelToolCall]:
        """The whole calls, at most ``limit`` of them, each with an id."""
        kept = self._calls if limit is None else self._calls[:limit]
        return [
            ModelToolCall(
                call_id=call.call_id or new_call_id(),
                name=call.name,
                arguments="".join(call.arguments) or "{}",
            )
            for call in kept
        ]


def _starts_new_call(current: _PendingCall, call_id: str | None, name: str | None) -> bool:
    """Whether a fragment at the index of ``current`` begins another call.

    Several servers send each call whole at index 0 (Ollama 0.20, gateways): a new id means
    a new call, and so, for servers that send no ids, does a function name once ``current``
    has one and its arguments are complete, or a different name. llama.cpp b5481 repeats
    the name in every fragment of one call, so a repeated name alone is no new call.
    """
    if call_id and current.call_id and call_id != current.call_id:
        return True
    if not name or not current.name or (call_id and call_id == current.call_id):
        return False
    return name != current.name or _is_json("".join(current.arguments))


def _is_json(text: str) -> bool:
    try:
        json.loads(text)
    except ValueError:
        return False
    return True


def _completion_events(completion: Any, limit: int | None) -> list[ModelStreamEvent]:
    choices = _objects(completion.get("choices")) if isinstance(completion, dict) else []
    if not choices:
        raise ModelError(
            "The chat completion has no choices.", code="invalid_response", retryable=True
        )
    choice = choices[0]
    message = choice.get("message")
    message = message if isinstance(message, dict) else {}
    events: list[ModelStreamEvent] = []
    if message.get("content"):
        events.append(ModelTextDelta(str(message["content"])))
    calls = [
        ModelToolCall(
            call_id=call.get("id") or new_call_id(),
            name=str(call["function"].get("name") or ""),
            arguments=call["function"].get("arguments") or "{}",
        )
        for call in _objects(message.get("tool_calls"))
        # Custom (free-form) tool calls are not agentkit's: only function calls are kept.
        if call.get("type", "function") == "function" and isinstance(call.get("function"), dict)
    ]
    events.extend(calls if limit is None else calls[:limit])
    usage = _usage(completion.get("usage")) or Usage(requests=1)
    finish = choice.get("finish_reason") or "stop"
    events.append(_done(completion.get("id") or None, finish, bool(calls), usage))
    return events


def _done(response_id: str | None, finish: str, has_calls: bool, usage: Usage) -> ModelResponseDone:
    if finish == "tool_calls" and not has_calls:
        # A server-side tool-call parser that failed (vLLM's hermes parser does): answering
        # "completed" with nothing would lose the turn silently.
        raise ModelError(
            "The model API ended the response with finish_reason 'tool_calls' but sent no "
            "tool call; the server's tool-call parser probably could not read the model's output.",
            code="invalid_response",
        )
    reason: FinishReason = "tool_calls" if has_calls else "stop"
    incomplete: str | None = None
    # Ollama has answered "stop" with tool calls, so calls win over "stop".
    if finish == "length":
        reason, incomplete = "length", "max_output_tokens"
    elif finish == "content_filter":
        reason, incomplete = "content_filter", "content_filter"
    return ModelResponseDone(response_id, reason, usage, incomplete_reason=incomplete)


def _usage(usage: Any) -> Usage | None:
    if not isinstance(usage, dict):
        return None
    return Usage(
        requests=1,
        input_tokens=usage.get("prompt_tokens") or 0,
        output_tokens=usage.get("completion_tokens") or 0,
    )
