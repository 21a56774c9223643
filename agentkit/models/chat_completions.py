"""`ChatCompletionsModel`: the adapter for any Chat Completions server (OpenAI, Azure, local)."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Sequence
from contextlib import aclosing
from dataclasses import dataclass, field
from typing import Any, get_args

from openai import AsyncOpenAI
from openai.types import CompletionUsage
from openai.types.chat import ChatCompletion, ChatCompletionMessageFunctionToolCall
from openai.types.chat.chat_completion_chunk import ChoiceDeltaToolCall

from agentkit.exceptions import ModelError, UserError
from agentkit.models.chat_wire import MaxTokensParam, chat_params
from agentkit.models.client import OpenAIClientModel, new_call_id, prebuilt
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
        params = prebuilt(wire, "messages", "tools", "tool_choice", required=("messages",))
        limit = 1 if request.parallel_tool_calls is False else None
        if streams(self.streaming, request):
            if self.include_usage:
                params["stream_options"] = {"include_usage": True}
            async for event in self._stream_events(params, limit):
                yield event
            return
        try:
            completion = await self.client.chat.completions.create(**params, stream=False)
        except Exception as exc:
            raise model_error_from(exc) from exc
        for event in _completion_events(completion, limit):
            yield event

    async def _stream_events(
        self, params: dict[str, Any], limit: int | None
    ) -> AsyncIterator[ModelStreamEvent]:
        try:
            stream = await self.client.chat.completions.create(**params, stream=True)
        except Exception as exc:
            raise model_error_from(exc) from exc
        calls = _CallBuffer()
        response_id: str | None = None
        finish: str | None = None
        usage = Usage(requests=1)
        async with stream, aclosing(mid_stream_errors(stream)) as chunks:
            async for chunk in chunks:
                response_id = response_id or chunk.id or None
                usage = _usage(chunk.usage) or usage
                for choice in chunk.choices:
                    # Only the first choice is the answer (agentkit never asks for n > 1).
                    if choice.index != 0:
                        continue
                    if choice.delta.content:
                        yield ModelTextDelta(choice.delta.content)
                    calls.feed(choice.delta.tool_calls or ())
                    # SGLang sends "" on every chunk before the last: an empty reason is none.
                    finish = finish or choice.finish_reason or None
        if finish is None:
            raise stream_interrupted("the stream ended without a finish_reason")
        # Calls are only known complete at the end: servers interleave them, and some send
        # fragments after the chunk that carries the finish reason.
        for call in calls.complete(limit):
            yield call
        yield _done(response_id, finish, calls.count > 0, usage)


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

    def feed(self, fragments: Sequence[ChoiceDeltaToolCall]) -> None:
        for fragment in fragments:
            name = fragment.function.name if fragment.function else None
            # Ollama before 0.4.7 sends no index at all.
            index: int | None = getattr(fragment, "index", None)
            current = self._by_index.get(index)
            if current is None or _starts_new_call(current, fragment.id, name):
                current = _PendingCall(fragment.id, name or "")
                self._calls.append(current)
                self._by_index[index] = current
            else:
                current.call_id = current.call_id or fragment.id
                current.name = current.name or name or ""
            if fragment.function and fragment.function.arguments:
                current.arguments.append(fragment.function.arguments)

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


def _completion_events(completion: ChatCompletion, limit: int | None) -> list[ModelStreamEvent]:
    if not completion.choices:
        raise ModelError(
            "The chat completion has no choices.", code="invalid_response", retryable=True
        )
    choice = completion.choices[0]
    events: list[ModelStreamEvent] = []
    if choice.message.content:
        events.append(ModelTextDelta(choice.message.content))
    calls = [
        ModelToolCall(
            call_id=call.id or new_call_id(),
            name=call.function.name,
            arguments=call.function.arguments or "{}",
        )
        for call in choice.message.tool_calls or ()
        if isinstance(call, ChatCompletionMessageFunctionToolCall)
    ]
    events.extend(calls if limit is None else calls[:limit])
    usage = _usage(completion.usage) or Usage(requests=1)
    events.append(_done(completion.id or None, choice.finish_reason, bool(calls), usage))
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


def _usage(usage: CompletionUsage | None) -> Usage | None:
    if usage is None:
        return None
    return Usage(
        requests=1, input_tokens=usage.prompt_tokens, output_tokens=usage.completion_tokens
    )
