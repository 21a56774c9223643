"""`RecordedReply`: a real server's reply, replayed byte for byte by `FakeOpenAI`.

`FakeReply` describes an answer and `FakeOpenAI` writes it the way OpenAI does. Servers that
only look compatible (vLLM, SGLang, Ollama, llama.cpp, gateways) write theirs differently:
an empty ``finish_reason``, calls without ids or indexes, a Responses object that does not
echo ``previous_response_id``. A `RecordedReply` carries such a reply exactly as the server
sent it, as a streamed (SSE) body, a plain JSON body, or both, so that adapters are tested
against what real servers emit, over real HTTP::

    reply = RecordedReply.load("tests/recordings/sglang-0.4.3/two-calls")  # .sse and .json
    fake = FakeOpenAI([reply, "It is sunny."])
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, Mapping, MutableMapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from agentkit.exceptions import UserError

__all__ = ["RecordedReply"]

Send = Callable[[MutableMapping[str, Any]], Awaitable[None]]


@dataclass(frozen=True, slots=True)
class RecordedReply:
    """A reply a server really gave, sent back unchanged.

    A streamed request gets `sse`, one event per write; a plain request gets `json`. A
    request whose variant was not recorded gets a 500 naming the recording.

    Attributes:
        sse: the body of the streamed reply (``data: …`` lines, blank-line separated).
        json: the body of the plain reply.
        source: what was recorded (server, version, situation), for messages.
        headers: extra response headers.
    """

    sse: str | None = None
    json: str | None = None
    source: str = "a recording"
    headers: Mapping[str, str] = field(default_factory=dict)

    @classmethod
    def load(cls, stem: str | Path, *, source: str | None = None) -> RecordedReply:
        """The recording at ``stem``: ``stem.sse`` and ``stem.json``, whichever exist.

        Raises:
            UserError: neither file exists.
        """
        base = Path(stem)
        sse, plain = base.with_name(base.name + ".sse"), base.with_name(base.name + ".json")
        if not sse.exists() and not plain.exists():
            raise UserError(f"RecordedReply: no {sse.name} or {plain.name} in {base.parent}")
        return cls(
            sse=sse.read_text(encoding="utf-8") if sse.exists() else None,
            json=plain.read_text(encoding="utf-8") if plain.exists() else None,
            source=source or f"{base.parent.name}/{base.name}",
        )

    @classmethod
    def events(cls, *events: Mapping[str, Any] | str, named: bool = False) -> RecordedReply:
        """A streamed reply of these SSE data objects (a string, such as ``[DONE]``, as is).

        With ``named``, each object's ``type`` is also sent as the ``event:`` line, as
        Responses servers do.
        """
        return cls(sse="".join(_sse_event(event, named) for event in events), source="events")

    def chunks(self) -> list[bytes]:
        """The streamed body cut into its events, each sent as one write."""
        if self.sse is None:
            return []
        text = self.sse.replace("\r\n", "\n")
        return [f"{part}\n\n".encode() for part in text.split("\n\n") if part.strip()]


async def send_recorded(reply: RecordedReply, *, stream: bool, send: Send) -> None:
    """Answer one request with ``reply``: its SSE body when ``stream``, else its JSON body."""
    body = reply.sse if stream else reply.json
    if body is None:
        variant = "streamed" if stream else "plain"
        message = f"FakeOpenAI: {reply.source} has no {variant} reply recorded."
        error = {"message": message, "type": "server_error", "code": "no_recording", "param": None}
        await _start(send, 500, "application/json", reply.headers)
        await send({"type": "http.response.body", "body": json.dumps({"error": error}).encode()})
        return
    if not stream:
        await _start(send, 200, "application/json", reply.headers)
        await send({"type": "http.response.body", "body": body.encode()})
        return
    await _start(send, 200, "text/event-stream", {"cache-control": "no-cache", **reply.headers})
    for chunk in reply.chunks():
        await send({"type": "http.response.body", "body": chunk, "more_body": True})
    await send({"type": "http.response.body", "body": b"", "more_body": False})


async def _start(send: Send, status: int, content_type: str, headers: Mapping[str, str]) -> None:
    raw = [(b"content-type", content_type.encode())]
    raw += [(name.lower().encode(), str(value).encode()) for name, value in headers.items()]
    await send({"type": "http.response.start", "status": status, "headers": raw})


def _sse_event(event: Mapping[str, Any] | str, named: bool) -> str:
    if isinstance(event, str):
        return f"data: {event}\n\n"
    data = json.dumps(dict(event))
    if named and "type" in event:
        return f"event: {event['type']}\ndata: {data}\n\n"
    return f"data: {data}\n\n"
