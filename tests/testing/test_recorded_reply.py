"""`RecordedReply`: a real server's bytes replayed by `FakeOpenAI`, streamed and plain."""

from __future__ import annotations

import json
from pathlib import Path

import httpx2
import pytest

from agentkit.exceptions import UserError
from agentkit.testing import FakeOpenAI, RecordedReply

CHUNK = {"id": "c", "object": "chat.completion.chunk", "created": 1, "model": "m"}


async def post(fake: FakeOpenAI, *, stream: bool) -> httpx2.Response:
    async with httpx2.AsyncClient(transport=httpx2.ASGITransport(app=fake)) as http:
        return await http.post(
            "http://fake/v1/chat/completions", json={"model": "m", "stream": stream}
        )


async def test_streamed_request_gets_the_recorded_sse_body_unchanged() -> None:
    sse = 'data: {"finish_reason":""}\n\ndata: [DONE]\n\n'
    fake = FakeOpenAI([RecordedReply(sse=sse)])

    response = await post(fake, stream=True)

    assert response.headers["content-type"] == "text/event-stream"
    assert response.text == sse


async def test_plain_request_gets_the_recorded_json_body_unchanged() -> None:
    body = '{"id":"x","choices":[] }'
    fake = FakeOpenAI([RecordedReply(json=body)])

    response = await post(fake, stream=False)

    assert response.headers["content-type"] == "application/json"
    assert response.text == body


async def test_a_variant_that_was_not_recorded_is_a_500_naming_the_recording(
    tmp_path: Path,
) -> None:
    (tmp_path / "calls.sse").write_text("data: [DONE]\n\n")
    fake = FakeOpenAI([RecordedReply.load(tmp_path / "calls")])

    response = await post(fake, stream=False)

    assert response.status_code == 500
    error = response.json()["error"]
    assert error["code"] == "no_recording"
    assert f"{tmp_path.name}/calls has no plain reply" in error["message"]


def test_loading_a_missing_recording_is_a_user_error(tmp_path: Path) -> None:
    with pytest.raises(UserError, match=r"no nothing\.sse or nothing\.json"):
        RecordedReply.load(tmp_path / "nothing")


def test_events_are_written_as_sse_and_cut_back_into_one_write_each() -> None:
    reply = RecordedReply.events({"type": "response.created"}, "[DONE]", named=True)

    assert reply.chunks() == [
        b'event: response.created\ndata: {"type": "response.created"}\n\n',
        b"data: [DONE]\n\n",
    ]


async def test_a_client_reads_recorded_chunks_over_real_http() -> None:
    chunk = {**CHUNK, "choices": [{"index": 0, "delta": {"content": "hi"}, "finish_reason": ""}]}
    done = {**CHUNK, "choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}]}
    fake = FakeOpenAI([RecordedReply.events(chunk, done, "[DONE]")])

    async with fake.serve() as url, httpx2.AsyncClient() as http:
        response = await http.post(f"{url}/chat/completions", json={"stream": True})

    lines = [line for line in response.text.splitlines() if line.startswith("data: {")]
    assert [json.loads(line[6:])["choices"][0]["finish_reason"] for line in lines] == ["", "stop"]
