"""A refused run leaves no trace: concurrent creates with ``additional_messages``."""

from __future__ import annotations

import asyncio

import httpx2

from tests.server.conftest import create_quiz_assistant


async def test_of_twenty_concurrent_runs_one_wins_and_only_its_messages_are_kept(
    http: httpx2.AsyncClient,
) -> None:
    assistant = (await http.post("/v1/assistants", json={"model": "gpt-4o"})).json()
    thread = (await http.post("/v1/threads", json={})).json()
    base = f"/v1/threads/{thread['id']}/runs"

    async def create(index: int) -> httpx2.Response:
        message = {"role": "user", "content": f"message {index}"}
        body = {"assistant_id": assistant["id"], "additional_messages": [message]}
        return await http.post(base, json=body)

    responses = await asyncio.gather(*(create(i) for i in range(20)))
    winners = [i for i, r in enumerate(responses) if r.status_code == 200]
    refused = [r.json()["error"]["message"] for r in responses if r.status_code == 400]
    (winner,) = winners
    run_id = responses[winner].json()["id"]
    for _ in range(500):
        if (await http.get(f"{base}/{run_id}")).json()["status"] == "completed":
            break
        await asyncio.sleep(0.01)
    listed = (await http.get(f"/v1/threads/{thread['id']}/messages?order=asc")).json()["data"]
    texts = [m["content"][0]["text"]["value"] for m in listed]
    assert len(refused) == 19
    assert all("already has an active run" in message for message in refused)
    # The winner's conversation held its own message and nothing of the 19 others.
    assert texts == [f"message {winner}", f"You said: message {winner}"]


async def test_a_run_refused_for_an_unknown_assistant_adds_no_message(
    http: httpx2.AsyncClient,
) -> None:
    await create_quiz_assistant(http)
    thread = (await http.post("/v1/threads", json={})).json()
    message = {"role": "user", "content": "x"}
    body = {"assistant_id": "asst_missing", "additional_messages": [message]}
    response = await http.post(f"/v1/threads/{thread['id']}/runs", json=body)
    listed = (await http.get(f"/v1/threads/{thread['id']}/messages")).json()["data"]
    assert (response.status_code, listed) == (404, [])
