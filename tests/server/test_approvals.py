"""Approvals on the Assistants wire: Foundry's ``submit_tool_approval`` action and answer.

The server runs a tool of its own (`ServerConfig.tools`) that needs approval; the client
sees the run paused with ``required_action.type == "submit_tool_approval"`` and answers with
``tool_approvals`` on ``submit_tool_outputs``, as Azure AI Foundry's classic agents do.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from typing import Any

import httpx2
import pytest
from starlette.applications import Starlette

from agentkit import tool
from agentkit.server import ServerConfig, create_app, offline_model_factory
from agentkit.toolsets import FunctionToolset
from tests.server.conftest import KEYS, http_client

DELETED: list[str] = []


@tool(needs_approval=True)
def delete_file(path: str) -> str:
    """Delete a file on the server."""
    DELETED.append(path)
    return f"deleted {path}"


CLIENT_VIEW = {"type": "function", "function": {"name": "delete_file"}}


@pytest.fixture
async def app(db_path: str) -> AsyncIterator[Starlette]:
    DELETED.clear()
    config = ServerConfig(
        db_path=db_path,
        api_keys=KEYS,
        model_factory=offline_model_factory,
        tools=FunctionToolset([delete_file]),
    )
    app = create_app(config)
    async with app.router.lifespan_context(app):
        yield app


async def paused_run(http: httpx2.AsyncClient) -> tuple[str, dict[str, Any]]:
    assistant = (
        await http.post("/v1/assistants", json={"model": "gpt-4o", "tools": [CLIENT_VIEW]})
    ).json()
    body = {
        "assistant_id": assistant["id"],
        "thread": {"messages": [{"role": "user", "content": "Clean up"}]},
    }
    run = (await http.post("/v1/threads/runs", json=body)).json()
    url = f"/v1/threads/{run['thread_id']}/runs/{run['id']}"
    return url, await until_stopped(http, url)


async def until_stopped(http: httpx2.AsyncClient, url: str) -> dict[str, Any]:
    for _ in range(500):
        run = (await http.get(url)).json()
        if run["status"] not in ("queued", "in_progress"):
            return dict(run)
        await asyncio.sleep(0.01)
    raise AssertionError("the run did not stop")


async def test_the_run_pauses_with_foundrys_approval_action(app: Starlette) -> None:
    async with http_client(app) as http:
        _, run = await paused_run(http)

    assert run["status"] == "requires_action"
    action = run["required_action"]
    assert set(action) == {"type", "submit_tool_approval"}
    assert action["type"] == "submit_tool_approval"
    [call] = action["submit_tool_approval"]["tool_calls"]
    assert call == {
        "id": call["id"],
        "type": "function",
        "function": {"name": "delete_file", "arguments": call["function"]["arguments"]},
    }
    assert set(json.loads(call["function"]["arguments"])) == {"path"}
    assert DELETED == []


async def test_approving_runs_the_tool_on_the_server(app: Starlette) -> None:
    async with http_client(app) as http:
        url, run = await paused_run(http)
        [call] = run["required_action"]["submit_tool_approval"]["tool_calls"]
        approvals = {"tool_approvals": [{"tool_call_id": call["id"], "approve": True}]}
        answered = await http.post(f"{url}/submit_tool_outputs", json=approvals)
        run = await until_stopped(http, url)
        steps = (await http.get(f"{url}/steps")).json()["data"]

    assert answered.status_code == 200, answered.text
    assert run["status"] == "completed"
    assert len(DELETED) == 1
    [tool_step] = [s for s in steps if s["type"] == "tool_calls"]
    [shown] = tool_step["step_details"]["tool_calls"]
    assert shown["function"]["output"] == f"deleted {DELETED[0]}"
    assert "approval" not in shown  # agentkit's own record stays off the wire


async def test_a_denial_with_a_reason_and_an_edit(app: Starlette) -> None:
    async with http_client(app) as http:
        url, run = await paused_run(http)
        [call] = run["required_action"]["submit_tool_approval"]["tool_calls"]
        deny = {"tool_call_id": call["id"], "approve": False, "reason": "keep it"}
        await http.post(f"{url}/submit_tool_outputs", json={"tool_approvals": [deny]})
        denied = await until_stopped(http, url)

        url, run = await paused_run(http)
        [call] = run["required_action"]["submit_tool_approval"]["tool_calls"]
        edit = {"tool_call_id": call["id"], "approve": True, "arguments": '{"path": "/tmp/x"}'}
        await http.post(f"{url}/submit_tool_outputs", json={"tool_approvals": [edit]})
        edited = await until_stopped(http, url)

    assert denied["status"] == edited["status"] == "completed"
    assert DELETED == ["/tmp/x"]


async def test_the_wrong_kind_of_answer_is_a_400_naming_the_right_one(app: Starlette) -> None:
    async with http_client(app) as http:
        url, run = await paused_run(http)
        [call] = run["required_action"]["submit_tool_approval"]["tool_calls"]
        outputs = {"tool_outputs": [{"tool_call_id": call["id"], "output": "done"}]}
        wrong = await http.post(f"{url}/submit_tool_outputs", json=outputs)
        unknown = {"tool_approvals": [{"tool_call_id": "call_nope", "approve": True}]}
        mismatch = await http.post(f"{url}/submit_tool_outputs", json=unknown)
        still = (await http.get(url)).json()

    assert wrong.status_code == 400
    assert wrong.json()["error"]["param"] == "tool_approvals"
    assert "waits for tool approvals" in wrong.json()["error"]["message"]
    assert mismatch.status_code == 400
    assert "no call waiting for approval with id call_nope" in mismatch.json()["error"]["message"]
    assert still["status"] == "requires_action"
    assert DELETED == []
