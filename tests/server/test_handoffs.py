"""Handoffs on the Assistants wire: the run keeps its assistant, messages name their writer."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx2
from starlette.applications import Starlette

from agentkit.server import ServerConfig, create_app, upstream_model_factory
from agentkit.testing import FakeOpenAI, FakeReply, FakeRequest, FakeToolCall
from tests.server.conftest import KEYS, http_client


async def until_stopped(http: httpx2.AsyncClient, url: str) -> dict[str, Any]:
    for _ in range(500):
        run = (await http.get(url)).json()
        if run["status"] not in ("queued", "in_progress"):
            return dict(run)
        await asyncio.sleep(0.01)
    raise AssertionError("the run did not stop")


async def run_on(http: httpx2.AsyncClient, thread_id: str, assistant_id: str, text: str) -> Any:
    await http.post(f"/v1/threads/{thread_id}/messages", json={"role": "user", "content": text})
    run = (
        await http.post(f"/v1/threads/{thread_id}/runs", json={"assistant_id": assistant_id})
    ).json()
    return await until_stopped(http, f"/v1/threads/{thread_id}/runs/{run['id']}")


async def test_a_handoff_keeps_the_runs_assistant_and_names_each_messages_writer(
    app: Starlette,
) -> None:
    async with http_client(app) as http:
        billing = (
            await http.post(
                "/v1/assistants",
                json={"model": "gpt-4o", "name": "billing", "instructions": "Invoices."},
            )
        ).json()
        handoff = {"type": "handoff", "handoff": {"assistant_id": billing["id"]}}
        triage = (
            await http.post(
                "/v1/assistants",
                json={"model": "gpt-4o", "name": "triage", "tools": [handoff]},
            )
        ).json()
        thread = (await http.post("/v1/threads", json={})).json()

        first = await run_on(http, thread["id"], triage["id"], "My invoice")
        second = await run_on(http, thread["id"], triage["id"], "Thanks")
        messages = (await http.get(f"/v1/threads/{thread['id']}/messages?order=asc")).json()
        steps = (await http.get(f"/v1/threads/{thread['id']}/runs/{first['id']}/steps")).json()

    assert first["status"] == second["status"] == "completed"
    assert first["assistant_id"] == second["assistant_id"] == triage["id"]
    assert first["tools"] == [handoff]
    writers = [(m["role"], m["assistant_id"], m["run_id"]) for m in messages["data"]]
    assert writers == [
        ("user", None, None),
        ("assistant", billing["id"], first["id"]),
        ("user", None, None),
        ("assistant", billing["id"], second["id"]),  # the thread stayed with billing
    ]
    [call_step] = [s for s in steps["data"] if s["type"] == "tool_calls"]
    [call] = call_step["step_details"]["tool_calls"]
    assert call["function"]["name"] == "transfer_to_billing"
    assert call_step["assistant_id"] == triage["id"]


async def test_a_handoff_to_an_unknown_assistant_is_a_400(app: Starlette) -> None:
    async with http_client(app) as http:
        handoff = {"type": "handoff", "handoff": {"assistant_id": "asst_missing"}}
        triage = (
            await http.post("/v1/assistants", json={"model": "gpt-4o", "tools": [handoff]})
        ).json()
        thread = (await http.post("/v1/threads", json={})).json()
        answer = await http.post(
            f"/v1/threads/{thread['id']}/runs", json={"assistant_id": triage["id"]}
        )
        runs = (await http.get(f"/v1/threads/{thread['id']}/runs")).json()

    assert answer.status_code == 400
    assert answer.json()["error"]["param"] == "tools"
    assert "'asst_missing', which does not exist" in answer.json()["error"]["message"]
    assert runs["data"] == []


def desk_script(request: FakeRequest) -> FakeReply | str:
    if "transfer_to_analyst" in request.tool_names:
        return FakeReply.calls(FakeToolCall("transfer_to_analyst", {}, call_id="call_handoff"))
    return "Analyst here."


async def test_a_handoff_target_is_offered_its_own_hosted_tool(db_path: str) -> None:
    fake = FakeOpenAI(desk_script)
    factory, _, upstream = upstream_model_factory(base_url=None, api_key=None, client=fake.client())
    app = create_app(ServerConfig(model_factory=factory, db_path=db_path, api_keys=KEYS))
    async with app.router.lifespan_context(app), http_client(app) as http:
        analyst = (
            await http.post(
                "/v1/assistants",
                json={
                    "model": "gpt-4o",
                    "name": "analyst",
                    "tools": [{"type": "code_interpreter"}],
                },
            )
        ).json()
        handoff = {"type": "handoff", "handoff": {"assistant_id": analyst["id"]}}
        desk = (
            await http.post("/v1/assistants", json={"model": "gpt-4o", "tools": [handoff]})
        ).json()
        thread = (await http.post("/v1/threads", json={})).json()
        run = await run_on(http, thread["id"], desk["id"], "Chart my sales")
    await upstream.close()

    assert run["status"] == "completed", run
    assert [r.tool_names for r in fake.requests] == [["transfer_to_analyst"], ["code_interpreter"]]
