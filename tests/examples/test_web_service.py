"""The web-service example over HTTP: SSE per request, one shared runner and store."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx2
import pytest

from agentkit.stores import SQLiteStore

from .web_service import create_app, parse_sse, serve

ANSWER = "Order 42 has shipped with DHL and should arrive on Thursday."


@pytest.fixture
async def client(tmp_path: Path) -> AsyncIterator[httpx2.AsyncClient]:
    async with (
        serve(create_app(tmp_path / "web.db")) as base_url,
        httpx2.AsyncClient(base_url=base_url, timeout=30) as http,
    ):
        yield http


async def ask(client: httpx2.AsyncClient, message: str, thread: str | None = None) -> list[Any]:
    params = {"message": message, **({"thread": thread} if thread else {})}
    response = await client.get("/chat", params=params)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/event-stream")
    return parse_sse(response.text)


async def test_the_page_is_served_with_its_event_source_script(client: httpx2.AsyncClient) -> None:
    response = await client.get("/")

    assert response.status_code == 200
    assert "new EventSource(url)" in response.text


async def test_a_question_streams_status_tool_calls_text_and_done(
    client: httpx2.AsyncClient,
) -> None:
    frames = await ask(client, "Where is order 42?")

    names = [name for name, _ in frames]
    assert names[:2] == ["status", "status"]
    assert names.count("tool") == 2 and names.count("tool_done") == 2
    assert names[-2:] == ["status", "done"]
    assert frames[-2][1]["status"] == "completed"
    assert "".join(data["text"] for name, data in frames if name == "delta") == ANSWER
    tools = [data for name, data in frames if name == "tool"]
    assert [(t["name"], t["arguments"]) for t in tools] == [
        ("order_status", '{"order_id": 42}'),
        ("delivery_estimate", '{"order_id": 42}'),
    ]


async def test_requests_share_one_store_so_a_thread_continues(
    client: httpx2.AsyncClient, tmp_path: Path
) -> None:
    first = await ask(client, "Where is order 42?")
    thread = first[0][1]["thread"]

    second = await ask(client, "And order 7?", thread=thread)

    assert second[0][1]["thread"] == thread
    async with SQLiteStore(tmp_path / "web.db") as store:
        assert len(await store.list_messages(thread)) == 4


async def test_concurrent_requests_each_get_their_own_run(client: httpx2.AsyncClient) -> None:
    results = await asyncio.gather(*(ask(client, f"Where is order {n}?") for n in (1, 2, 3)))

    answers = ["".join(d["text"] for name, d in frames if name == "delta") for frames in results]
    assert [a.split(" has ")[0] for a in answers] == ["Order 1", "Order 2", "Order 3"]


async def test_an_unknown_thread_is_404(client: httpx2.AsyncClient) -> None:
    response = await client.get("/chat", params={"message": "hi", "thread": "thread_nope"})

    assert response.status_code == 404
    assert response.json() == {"error": "no thread thread_nope"}


async def test_a_missing_message_is_400(client: httpx2.AsyncClient) -> None:
    response = await client.get("/chat")

    assert response.status_code == 400
