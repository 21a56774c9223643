"""What a `FakeOpenAI` script sees (`FakeRequest`) and answers (`FakeReply`)."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, TypeAlias

from agentkit.testing.fake_openai.recorded import RecordedReply

__all__ = ["FakeReply", "FakeRequest", "FakeToolCall", "Script", "ScriptResult"]


@dataclass(frozen=True, slots=True)
class FakeToolCall:
    """A function call the fake model makes.

    Attributes:
        arguments: a JSON string, or a mapping serialized with `json.dumps`.
        call_id: the id to send; by default the server numbers calls ``call_fake_1``, ...
    """

    name: str
    arguments: str | Mapping[str, Any] = "{}"
    call_id: str | None = None

    @property
    def arguments_json(self) -> str:
        """The arguments as the JSON string sent on the wire."""
        if isinstance(self.arguments, str):
            return self.arguments
        return json.dumps(dict(self.arguments))


@dataclass(frozen=True, slots=True)
class FakeReply:
    """One scripted answer: text and/or tool calls, or a fault.

    Attributes:
        text: the answer text (streamed in pieces of ``chunk_size`` characters).
        tool_calls: the function calls, in order.
        input_tokens: reported prompt tokens (default: about a quarter of the body's size).
        output_tokens: reported completion tokens (default: estimated from the reply).
        incomplete: end the response cut short, for this reason.
        status: an HTTP error status to answer with instead (with ``error_message``,
            ``error_code`` and ``headers``, e.g. ``Retry-After``).
        delay: seconds to wait before answering (latency).
        event_delay: seconds between stream events (visible over real HTTP only; the
            in-process ASGI transport delivers the body at once).
        cut_after: end the stream cleanly after this many events, before the last one.
        drop_after: abort the connection after this many events (0: before any response).
        stream_error: ``(code, message)`` sent as an error event at the end of the stream.
        omit_call_ids: leave ids out of streamed chat tool-call fragments, as Ollama does.
        chunk_size: characters per streamed text or arguments delta.
    """

    text: str | None = None
    tool_calls: Sequence[FakeToolCall] = ()
    input_tokens: int | None = None
    output_tokens: int | None = None
    incomplete: Literal["max_output_tokens", "content_filter"] | None = None
    status: int = 200
    error_message: str = "Fake error."
    error_code: str | None = None
    headers: Mapping[str, str] = field(default_factory=dict)
    delay: float = 0.0
    event_delay: float = 0.0
    cut_after: int | None = None
    drop_after: int | None = None
    stream_error: tuple[str, str] | None = None
    omit_call_ids: bool = False
    chunk_size: int = 8

    @classmethod
    def calls(cls, *calls: FakeToolCall, **options: Any) -> FakeReply:
        """A reply that makes these calls."""
        return cls(tool_calls=calls, **options)

    @classmethod
    def error(
        cls,
        status: int,
        message: str = "Fake error.",
        *,
        code: str | None = None,
        retry_after: float | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> FakeReply:
        """An HTTP error answer; ``retry_after`` sets the ``Retry-After`` header (seconds)."""
        all_headers = dict(headers or {})
        if retry_after is not None:
            all_headers["retry-after"] = f"{retry_after:g}"
        return cls(status=status, error_message=message, error_code=code, headers=all_headers)


@dataclass(frozen=True, slots=True)
class FakeRequest:
    """A request the fake server received, as recorded in `FakeOpenAI.requests`.

    Attributes:
        api: ``"responses"`` or ``"chat"``.
        index: 0-based position among the requests this server received.
        body: the JSON body exactly as received.
        query: the query parameters (Azure sends ``api-version``).
        context: the items the server held before the body's input: the ``conversation``'s.
    """

    api: Literal["responses", "chat"]
    index: int
    method: str
    path: str
    query: Mapping[str, str]
    headers: Mapping[str, str]
    body: Mapping[str, Any]
    context: tuple[Mapping[str, Any], ...] = ()

    @property
    def stream(self) -> bool:
        """Whether the client asked for a stream."""
        return bool(self.body.get("stream"))

    @property
    def tool_names(self) -> list[str]:
        """The names of the function tools offered, in either wire shape."""
        names = []
        for tool in self.body.get("tools") or ():
            names.append(tool.get("function", tool).get("name", ""))
        return names

    @property
    def items(self) -> list[Mapping[str, Any]]:
        """What the model sees: the `context`, then the ``input`` items or chat ``messages``."""
        raw = self.body.get("input" if self.api == "responses" else "messages")
        if isinstance(raw, str):
            return [*self.context, {"role": "user", "content": raw}]
        return [*self.context, *(raw or ())]

    @property
    def last_user_text(self) -> str:
        """The text of the last user message (empty if there is none)."""
        for item in reversed(self.items):
            if item.get("role") == "user":
                return _text_of(item.get("content"))
        return ""

    def tool_outputs(self) -> dict[str, str]:
        """Outputs sent since the last user message, by call id."""
        outputs: dict[str, str] = {}
        for item in self.items:
            if item.get("role") == "user":
                outputs.clear()
            elif item.get("type") == "function_call_output" or item.get("role") == "tool":
                call_id = item.get("call_id") or item.get("tool_call_id") or ""
                outputs[call_id] = _text_of(item.get("output", item.get("content")))
        return outputs


def _text_of(content: Any) -> str:
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return "".join(str(part.get("text", "")) for part in content if isinstance(part, dict))
    return ""


ScriptResult: TypeAlias = FakeReply | RecordedReply | str
Script: TypeAlias = (
    Callable[[FakeRequest], ScriptResult | Awaitable[ScriptResult]] | Iterable[ScriptResult]
)
"""A function deciding each reply (sync or async), or the replies to give in order."""
