"""`ResponsesModel`: the adapter for the Responses API (OpenAI, Azure, and local servers)."""

from __future__ import annotations

import asyncio
import contextlib
import warnings
from collections.abc import AsyncGenerator, AsyncIterator, Callable
from dataclasses import dataclass, field
from typing import Any, TypeAlias, get_args

from openai import AsyncOpenAI

from agentkit.exceptions import UserError
from agentkit.models.client import OpenAIClientModel, new_call_id, post_for_events, wire_body
from agentkit.models.continuation import (
    ContinuationWarning,
    PreviousResponseIgnored,
    Response,
    check_conversation,
    check_echo,
    echo_checked,
)
from agentkit.models.endpoint import Endpoint
from agentkit.models.errors import (
    mid_stream_errors,
    model_error_from,
    response_error,
    stream_interrupted,
)
from agentkit.models.events import (
    FinishReason,
    ModelResponseDone,
    ModelStreamEvent,
    ModelTextDelta,
    ModelToolCall,
)
from agentkit.models.request import ModelRequest, StreamMode, streams
from agentkit.models.responses_wire import Continuation, responses_params
from agentkit.usage import Usage

__all__ = ["ResponsesModel"]


class ResponsesModel(OpenAIClientModel):
    """Talks to ``POST /responses`` through an `AsyncOpenAI` or `AsyncAzureOpenAI` client.

    Args:
        model_name: the model, or the deployment name on Azure.
        client: the SDK client. Without one, requests go to ``endpoint``, or to OpenAI's
            endpoint from ``OPENAI_API_KEY`` and ``OPENAI_BASE_URL``, read at the first
            request, through a client per event loop (see `OpenAIClientModel`).
        endpoint: the API to talk to, instead of a client.
        continuation: how the conversation reaches the server. ``"replay"`` (the default
            without ``conversation``) sends the whole conversation every turn, which works
            with every server, including stateless ones such as Ollama, and with
            ``store=False``. ``"previous_response_id"`` sends the id of the last response found
            in the request's items plus only the items after it, which saves tokens on servers
            that store responses; it replays when no item carries a response id, and when the
            server's response does not echo the id (the server ignored it, as Ollama does) it
            asks again with the whole conversation, warns once (`ContinuationWarning`) and
            replays from then on. ``"conversation"`` (the default with ``conversation``)
            continues a conversation the server holds (the Conversations API): it sends only
            what came after the model's last answer or call, and the server adds each turn.
        conversation: the id of the hosted conversation (``conv_…``) to continue.
        stream: ``"auto"`` (the default) streams the response when the run's events are read as
            they come (``iter_run``) and makes one plain request when the caller waits for
            the result (``run()``, `ModelRequest.live`); True always streams (a proxy that
            cuts idle connections during a long answer needs it), False never does.
        store: sent as ``store`` when set; ``None`` leaves the server's default.
        structured_output: whether the server supports ``text.format`` with a JSON Schema.
            False for one that does not: an agent's typed answer is then asked for through
            a ``final_answer`` tool (see ``docs/typed-output.md``).

    When ``parallel_tool_calls`` is False and a server still sends several calls, only the
    first is kept.
    """

    api = "responses"

    def __init__(
        self,
        model_name: str,
        *,
        client: AsyncOpenAI | None = None,
        endpoint: Endpoint | None = None,
        continuation: Continuation | None = None,
        conversation: str | None = None,
        stream: StreamMode = "auto",
        store: bool | None = None,
        structured_output: bool = True,
    ) -> None:
        super().__init__(model_name, client=client, endpoint=endpoint)
        self.continuation: Continuation = _checked_continuation(continuation, conversation, store)
        self.conversation = conversation
        self.streaming: StreamMode = stream
        self.store = store
        self.structured_output = structured_output

    async def stream(self, request: ModelRequest) -> AsyncIterator[ModelStreamEvent]:
        try:
            async for event in self._call(request):
                yield event
            return
        except PreviousResponseIgnored as ignored:
            self._replay_from_now_on(ignored)
        # Nothing of the response that lost the earlier turns was passed on: ask again.
        async for event in self._call(request):
            yield event

    async def _call(self, request: ModelRequest) -> AsyncIterator[ModelStreamEvent]:
        wire = responses_params(
            request,
            model_name=self.model_name,
            continuation=self.continuation,
            store=self.store,
            conversation=self.conversation,
        )
        echo = _echo_check(wire)
        body = wire_body(wire)
        state = _CallState(limit=1 if request.parallel_tool_calls is False else None)
        if streams(self.streaming, request):
            async for event in self._stream_events(body, state, echo):
                yield event
            return
        try:
            response = await self.client.post(
                "/responses", body={**body, "stream": False}, cast_to=object
            )
        except Exception as exc:
            raise model_error_from(exc) from exc
        if not isinstance(response, dict):
            raise response_error("invalid_response", "the response is not a JSON object")
        if echo is not None:
            check, sent = echo
            check(response, sent)
        for event in _final_events(response, state):
            yield event

    def _replay_from_now_on(self, ignored: PreviousResponseIgnored) -> None:
        if self.continuation == "replay":
            return  # another call found out first and warned
        self.continuation = "replay"
        warnings.warn(
            f"ResponsesModel {self.model_name!r}: the server ignored previous_response_id "
            f"({ignored}), so it cannot continue stored responses (Ollama cannot); the "
            "conversation is replayed in full from now on. Use continuation='replay' for "
            "this server.",
            ContinuationWarning,
            stacklevel=2,
        )

    async def _stream_events(
        self, body: dict[str, Any], state: _CallState, echo: _Echo | None
    ) -> AsyncIterator[ModelStreamEvent]:
        try:
            stream = await post_for_events(self.client, "/responses", body)
        except Exception as exc:
            raise model_error_from(exc) from exc
        async with stream, contextlib.aclosing(_checked(stream, echo)) as events:
            async for event in events:
                for out in _translate(event, state):
                    yield out
                    if isinstance(out, ModelResponseDone):
                        await _drain(events)
                        return
        raise stream_interrupted("the stream ended before response.completed")


_Echo: TypeAlias = tuple[Callable[[Response, str], None], str]
"""How to check that the server continued what was sent, and what was sent."""


def _echo_check(wire: dict[str, Any]) -> _Echo | None:
    if "previous_response_id" in wire:
        return check_echo, wire["previous_response_id"]
    if "conversation" in wire:
        return check_conversation, wire["conversation"]
    return None


def _checked(stream: AsyncIterator[Response], echo: _Echo | None) -> AsyncGenerator[Response, None]:
    events = mid_stream_errors(stream)
    if echo is None:
        return events
    check, sent = echo
    return echo_checked(events, sent, check)


def _checked_continuation(
    continuation: Continuation | None, conversation: str | None, store: bool | None
) -> Continuation:
    """The continuation asked for, or why it cannot work (a `UserError`)."""
    chosen = continuation or ("conversation" if conversation is not None else "replay")
    if chosen not in get_args(Continuation):
        raise UserError(
            f"ResponsesModel: continuation must be one of {get_args(Continuation)}, "
            f"not {continuation!r}"
        )
    if conversation is not None and chosen != "conversation":
        raise UserError(
            f"ResponsesModel: conversation={conversation!r} continues a hosted conversation; "
            f"it cannot be combined with continuation={chosen!r}"
        )
    if chosen == "conversation" and not (conversation or "").strip():
        raise UserError(
            "ResponsesModel: continuation='conversation' needs conversation='conv_…', the id "
            "of a conversation (create one with client.conversations.create())"
        )
    if chosen != "replay" and store is False:
        raise UserError(
            f"ResponsesModel: continuation={chosen!r} needs stored responses; "
            "use continuation='replay' with store=False"
        )
    return chosen


async def _drain(events: AsyncIterator[Any]) -> None:
    # Read the stream to its end so the HTTP connection goes back to the pool (closing a
    # response mid-body closes its connection); a server that lingers is not waited for.
    with contextlib.suppress(Exception):
        async with asyncio.timeout(_DRAIN_SECONDS):
            async for _ in events:
                pass


_DRAIN_SECONDS = 1.0


@dataclass
class _CallState:
    """What one response has produced so far, to finish it and to drop surplus calls."""

    limit: int | None
    seen: set[tuple[str | None, ...]] = field(default_factory=set)
    emitted: int = 0
    saw_call: bool = False
    saw_text: bool = False

    def accept(self, item: Response) -> ModelToolCall | None:
        """The call to emit for this item, or None if it was emitted already or is surplus."""
        self.saw_call = True
        name, arguments = str(item.get("name") or ""), str(item.get("arguments") or "")
        key = (item.get("id"), item.get("call_id"), name, arguments)
        if key in self.seen or (self.limit is not None and self.emitted >= self.limit):
            return None
        self.seen.add(key)
        self.emitted += 1
        call_id = item.get("call_id") or new_call_id()
        return ModelToolCall(call_id=call_id, name=name, arguments=arguments)


def _translate(event: Any, state: _CallState) -> list[ModelStreamEvent]:
    """The events one streamed event (its JSON) makes; a value that is no event makes none."""
    if not isinstance(event, dict):
        return []
    kind = event.get("type")
    if kind == "response.output_text.delta":
        delta = event.get("delta")
        if delta:
            state.saw_text = True
            return [ModelTextDelta(delta)]
    elif kind == "response.output_item.done":
        item = event.get("item")
        if isinstance(item, dict) and item.get("type") == "function_call":
            call = state.accept(item)
            return [call] if call is not None else []
    elif kind in ("response.completed", "response.incomplete"):
        response = event.get("response")
        if not isinstance(response, dict):
            raise response_error("invalid_response", f"{kind} without its response")
        return _final_events(response, state)
    elif kind == "response.failed":
        response = event.get("response")
        error = (response.get("error") if isinstance(response, dict) else None) or {}
        raise response_error(error.get("code"), error.get("message") or "response.failed")
    elif kind == "error":
        raise response_error(event.get("code"), event.get("message"))
    return []


def _final_events(response: Response, state: _CallState) -> list[ModelStreamEvent]:
    """Whatever the stream did not already deliver, then the closing `ModelResponseDone`.

    Also the whole answer of a non-streamed response. Servers that skip the per-item events
    still get their text and calls through.
    """
    if response.get("status") == "failed":
        error = response.get("error") or {}
        raise response_error(error.get("code"), error.get("message"))
    output = response.get("output") or []
    if not isinstance(output, list) or not all(isinstance(item, dict) for item in output):
        raise response_error("invalid_response", "the response's output is not a list of items")
    events: list[ModelStreamEvent] = []
    for item in output:
        kind = item.get("type")
        if kind == "function_call":
            if call := state.accept(item):
                events.append(call)
        elif kind == "message" and not state.saw_text:
            parts = [p for p in item.get("content") or () if isinstance(p, dict)]
            text = "".join(p.get("text") or "" for p in parts if p.get("type") == "output_text")
            if text:
                events.append(ModelTextDelta(text))
    events.append(_done(response, state))
    return events


def _done(response: Response, state: _CallState) -> ModelResponseDone:
    usage = Usage(requests=1)
    counted = response.get("usage")
    if isinstance(counted, dict):
        usage = Usage(
            requests=1,
            input_tokens=counted.get("input_tokens") or 0,
            output_tokens=counted.get("output_tokens") or 0,
        )
    response_id = response.get("id")
    if response.get("status") == "incomplete":
        details = response.get("incomplete_details")
        reason = (details.get("reason") if isinstance(details, dict) else None) or (
            "max_output_tokens"
        )
        finish: FinishReason = "content_filter" if reason == "content_filter" else "length"
        return ModelResponseDone(response_id, finish, usage, incomplete_reason=reason)
    finish_reason: FinishReason = "tool_calls" if state.saw_call else "stop"
    return ModelResponseDone(response_id, finish_reason, usage)
