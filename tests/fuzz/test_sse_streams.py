"""Random SSE streams into the Responses adapter: its events, or a `ModelError`, never a hang.

The SDK builds stream events without validation, whatever the client's strictness. Crashes
found here are kept below as named cases.

agentkit parses no SSE bytes itself (the openai SDK does); what it owns is the translation of
whatever the SDK yields, and the mapping of every failure to `ModelError`. The streams mix
well-formed Responses events in random orders with malformed frames and truncation.
"""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass, field
from typing import Any

import httpx2
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openai import AsyncOpenAI

from agentkit.exceptions import ModelError
from agentkit.models import ResponsesModel
from agentkit.models.events import ModelResponseDone, ModelTextDelta, ModelToolCall
from agentkit.models.request import ModelRequest, UserMessageItem

RESPONSE = {
    "id": "resp_1",
    "object": "response",
    "created_at": 1,
    "model": "m",
    "status": "completed",
    "error": None,
    "incomplete_details": None,
    "instructions": None,
    "output": [],
    "parallel_tool_calls": True,
    "tool_choice": "auto",
    "tools": [],
    "usage": None,
}
CALL = {
    "type": "function_call",
    "id": "fc_1",
    "call_id": "call_1",
    "name": "f",
    "arguments": "{}",
    "status": "completed",
}
EVENTS: list[dict[str, Any]] = [
    {"type": "response.created", "response": {**RESPONSE, "status": "in_progress"}},
    {"type": "response.output_text.delta", "item_id": "m", "output_index": 0,
     "content_index": 0, "delta": "hi", "logprobs": []},
    {"type": "response.output_item.done", "output_index": 0, "item": CALL},
    {"type": "response.completed", "response": RESPONSE},
    {"type": "response.incomplete",
     "response": {**RESPONSE, "status": "incomplete",
                  "incomplete_details": {"reason": "max_output_tokens"}}},
    {"type": "response.failed",
     "response": {**RESPONSE, "status": "failed",
                  "error": {"code": "server_error", "message": "x"}}},
    {"type": "error", "code": "rate_limit_exceeded", "message": "slow", "param": None},
    {"type": "response.unknown_future_event", "x": 1},
]  # fmt: skip

TERMINAL_SUCCESS = ("response.completed", "response.incomplete")

junk = st.text(max_size=40).map(lambda text: f"data: {text}\n\n")
event = st.sampled_from(EVENTS).map(lambda e: f"event: {e['type']}\ndata: {json.dumps(e)}\n\n")
mangled = st.tuples(
    st.sampled_from(EVENTS), st.sampled_from(["type", "item", "delta", "response"])
).map(
    lambda pair: "data: " + json.dumps({k: v for k, v in pair[0].items() if k != pair[1]}) + "\n\n"
)
frames = st.lists(event | event | junk | mangled, max_size=8)


def _client(body: bytes, status: int, *, strict: bool = True) -> AsyncOpenAI:
    async def app(scope: Any, receive: Any, send: Any) -> None:
        headers = [(b"content-type", b"text/event-stream")]
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": body})

    http = httpx2.AsyncClient(transport=httpx2.ASGITransport(app=app))
    return AsyncOpenAI(
        base_url="http://fuzz/v1",
        api_key="k",
        max_retries=0,
        http_client=http,
        _strict_response_validation=strict,
    )


# A stream may only end cleanly after one of these arrived whole (named, or as bare data).
ENDINGS = [f"data: {json.dumps(e)}\n" for e in EVENTS if e["type"] in TERMINAL_SUCCESS]


@dataclass
class Outcome:
    """What the adapter yielded, and the `ModelError` that ended the stream, if one did."""

    events: list[Any] = field(default_factory=list)
    error: ModelError | None = None


async def _consume(body: bytes, status: int, *, strict: bool = True) -> Outcome:
    model = ResponsesModel("m", client=_client(body, status, strict=strict))
    request = ModelRequest(instructions=None, items=(UserMessageItem("hi"),))
    outcome = Outcome()
    try:
        async with asyncio.timeout(5):
            async for item in model.stream(request):
                outcome.events.append(item)
    except ModelError as exc:
        outcome.error = exc
    finally:
        await model.client.close()
    return outcome


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(parts=frames, cut=st.integers(0, 400), status=st.sampled_from([200, 200, 200, 500]))
def test_any_stream_gives_events_or_a_model_error(parts: list[str], cut: int, status: int) -> None:
    text = "".join(parts)
    body = text.encode()
    body = body[: max(cut, len(body) // 2)] if cut < 200 else body
    outcome = asyncio.run(_consume(body, status))
    if outcome.error is not None:
        assert outcome.error.code
        return
    # A clean end must be earned: an OK status and a whole terminal event on the wire.
    assert status == 200
    received = body.decode(errors="replace")
    assert any(ending in received for ending in ENDINGS), received
    *before, last = outcome.events
    assert isinstance(last, ModelResponseDone)
    assert all(isinstance(e, ModelTextDelta | ModelToolCall) for e in before)


def test_a_500_is_a_model_error_however_well_formed_the_body() -> None:
    completed = next(e for e in EVENTS if e["type"] == "response.completed")
    body = f"event: response.completed\ndata: {json.dumps(completed)}\n\n".encode()
    outcome = asyncio.run(_consume(body, 500))
    assert outcome.error is not None and outcome.error.status_code == 500


@pytest.mark.parametrize("kind", ["response.completed", "response.failed"])
def test_a_terminal_event_without_its_response_is_a_model_error(kind: str) -> None:
    body = f'data: {{"type": "{kind}"}}\n\n'.encode()
    outcome = asyncio.run(_consume(body, 200, strict=False))
    assert outcome.error is not None and outcome.error.code
    assert outcome.events == []
