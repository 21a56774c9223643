"""Runs over raw HTTP: overrides, tool choice, conflicts, cancel, modify, list, token budgets."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import httpx2
import pytest
from starlette.applications import Starlette

from agentkit.models.function import FunctionInfo
from agentkit.models.request import ModelRequest
from agentkit.server import ServerConfig, create_app
from agentkit.testing import FunctionModel, ModelTurn, call_tool
from agentkit.usage import Usage
from tests.server.conftest import KEYS, QUIZ_TOOL, create_quiz_assistant, http_client


async def _thread(http: httpx2.AsyncClient, text: str = "Quiz me") -> str:
    body = {"messages": [{"role": "user", "content": text}]}
    return str((await http.post("/v1/threads", json=body)).json()["id"])


async def _wait(http: httpx2.AsyncClient, thread_id: str, run_id: str) -> dict[str, Any]:
    for _ in range(500):
        run = (await http.get(f"/v1/threads/{thread_id}/runs/{run_id}")).json()
        if run["status"] not in ("queued", "in_progress"):
            return dict(run)
        await asyncio.sleep(0.01)
    raise AssertionError("the run did not stop")


async def test_run_returns_queued_at_once_and_records_the_requested_overrides(
    http: httpx2.AsyncClient,
) -> None:
    assistant_id = await create_quiz_assistant(http)
    thread_id = await _thread(http)
    response = await http.post(
        f"/v1/threads/{thread_id}/runs",
        json={
            "assistant_id": assistant_id,
            "model": "gpt-4.1",
            "instructions": "Be brief.",
            "additional_instructions": "Use French.",
            "tools": [{"type": "code_interpreter"}],
            "tool_choice": "none",
            "parallel_tool_calls": False,
            "temperature": 0.5,
            "top_p": 0.9,
            "max_prompt_tokens": 5000,
            "max_completion_tokens": 1000,
            "truncation_strategy": {"type": "last_messages", "last_messages": 3},
            "response_format": {"type": "json_object"},
            "metadata": {"ticket": "42"},
        },
    )
    run = response.json()
    assert run["status"] == "queued"
    picked = {k: run[k] for k in ("model", "instructions", "tools", "tool_choice", "metadata")}
    assert picked == {
        "model": "gpt-4.1",
        "instructions": "Be brief.\n\nUse French.",
        "tools": [{"type": "code_interpreter"}],
        "tool_choice": "none",
        "metadata": {"ticket": "42"},
    }
    assert (run["parallel_tool_calls"], run["temperature"], run["top_p"]) == (False, 0.5, 0.9)
    assert (run["max_prompt_tokens"], run["max_completion_tokens"]) == (5000, 1000)
    assert run["truncation_strategy"] == {"type": "last_messages", "last_messages": 3}
    assert run["response_format"] == {"type": "json_object"}
    assert (await _wait(http, thread_id, run["id"]))["status"] == "completed"


async def test_tool_choice_none_answers_without_calling_the_function(
    http: httpx2.AsyncClient,
) -> None:
    assistant_id = await create_quiz_assistant(http)
    thread_id = await _thread(http)
    run = (
        await http.post(
            f"/v1/threads/{thread_id}/runs",
            json={"assistant_id": assistant_id, "tool_choice": "none"},
        )
    ).json()
    assert (await _wait(http, thread_id, run["id"]))["status"] == "completed"


async def test_run_without_function_tools_uses_the_assistant_instructions_and_completes(
    http: httpx2.AsyncClient,
) -> None:
    assistant = (
        await http.post("/v1/assistants", json={"model": "gpt-4o", "instructions": "Be kind."})
    ).json()
    thread_id = await _thread(http, "hello")
    run = (
        await http.post(f"/v1/threads/{thread_id}/runs", json={"assistant_id": assistant["id"]})
    ).json()
    done = await _wait(http, thread_id, run["id"])
    assert (done["status"], done["instructions"], done["model"]) == (
        "completed",
        "Be kind.",
        "gpt-4o",
    )
    usage = done["usage"]
    assert usage["total_tokens"] == usage["prompt_tokens"] + usage["completion_tokens"] > 0


async def test_additional_messages_join_the_thread_before_the_run(
    http: httpx2.AsyncClient,
) -> None:
    assistant = (await http.post("/v1/assistants", json={"model": "gpt-4o"})).json()
    thread_id = await _thread(http, "first")
    run = (
        await http.post(
            f"/v1/threads/{thread_id}/runs",
            json={
                "assistant_id": assistant["id"],
                "additional_messages": [{"role": "user", "content": "second"}],
            },
        )
    ).json()
    await _wait(http, thread_id, run["id"])
    listed = (await http.get(f"/v1/threads/{thread_id}/messages?order=asc")).json()
    texts = [m["content"][0]["text"]["value"] for m in listed["data"]]
    assert texts == ["first", "second", "You said: second"]


async def test_messages_and_runs_are_refused_while_a_run_waits_for_outputs(
    http: httpx2.AsyncClient,
) -> None:
    assistant_id = await create_quiz_assistant(http)
    thread_id = await _thread(http)
    run = (
        await http.post(f"/v1/threads/{thread_id}/runs", json={"assistant_id": assistant_id})
    ).json()
    await _wait(http, thread_id, run["id"])
    message = await http.post(
        f"/v1/threads/{thread_id}/messages", json={"role": "user", "content": "more"}
    )
    second = await http.post(f"/v1/threads/{thread_id}/runs", json={"assistant_id": assistant_id})
    assert (message.status_code, message.json()["error"]["message"]) == (
        400,
        f"Can't add messages to {thread_id} while a run {run['id']} is active.",
    )
    assert second.status_code == 400
    assert second.json()["error"]["type"] == "invalid_request_error"


async def test_submitting_outputs_for_unknown_calls_is_a_400_and_changes_nothing(
    http: httpx2.AsyncClient,
) -> None:
    assistant_id = await create_quiz_assistant(http)
    thread_id = await _thread(http)
    run = (
        await http.post(f"/v1/threads/{thread_id}/runs", json={"assistant_id": assistant_id})
    ).json()
    await _wait(http, thread_id, run["id"])
    response = await http.post(
        f"/v1/threads/{thread_id}/runs/{run['id']}/submit_tool_outputs",
        json={"tool_outputs": [{"tool_call_id": "call_nope", "output": "x"}]},
    )
    assert response.status_code == 400
    assert "call_nope" in response.json()["error"]["message"]
    still = (await http.get(f"/v1/threads/{thread_id}/runs/{run['id']}")).json()
    assert still["status"] == "requires_action"


async def test_submitting_outputs_to_a_completed_run_is_a_400(http: httpx2.AsyncClient) -> None:
    assistant = (await http.post("/v1/assistants", json={"model": "gpt-4o"})).json()
    thread_id = await _thread(http)
    run = (
        await http.post(f"/v1/threads/{thread_id}/runs", json={"assistant_id": assistant["id"]})
    ).json()
    await _wait(http, thread_id, run["id"])
    response = await http.post(
        f"/v1/threads/{thread_id}/runs/{run['id']}/submit_tool_outputs",
        json={"tool_outputs": []},
    )
    cancel = await http.post(f"/v1/threads/{thread_id}/runs/{run['id']}/cancel")
    assert (response.status_code, response.json()["error"]["message"]) == (
        400,
        'Runs in status "completed" do not accept tool outputs.',
    )
    assert (cancel.status_code, cancel.json()["error"]["message"]) == (
        400,
        "Cannot cancel run with status 'completed'.",
    )


async def test_modify_run_replaces_metadata_and_list_runs_pages_newest_first(
    http: httpx2.AsyncClient,
) -> None:
    assistant = (await http.post("/v1/assistants", json={"model": "gpt-4o"})).json()
    thread_id = await _thread(http)
    ids = []
    for _ in range(3):
        run = (
            await http.post(f"/v1/threads/{thread_id}/runs", json={"assistant_id": assistant["id"]})
        ).json()
        await _wait(http, thread_id, run["id"])
        ids.append(run["id"])
    modified = await http.post(
        f"/v1/threads/{thread_id}/runs/{ids[0]}", json={"metadata": {"k": "v"}}
    )
    page = (await http.get(f"/v1/threads/{thread_id}/runs?limit=2")).json()
    assert modified.json()["metadata"] == {"k": "v"}
    assert ([r["id"] for r in page["data"]], page["has_more"]) == ([ids[2], ids[1]], True)
    assert (page["first_id"], page["last_id"]) == (ids[2], ids[1])


def _spender(request: ModelRequest, info: FunctionInfo) -> ModelTurn:
    # Every turn asks for the quiz tool and reports 300 prompt and 300 completion tokens.
    return ModelTurn(
        tool_calls=(call_tool("display_quiz", {"title": "t", "questions": []}),),
        usage=Usage(1, 300, 300),
    )


@pytest.fixture
async def spending_app(db_path: str) -> AsyncIterator[Starlette]:
    config = ServerConfig(
        db_path=db_path, api_keys=KEYS, model_factory=lambda name: FunctionModel(_spender)
    )
    app = create_app(config)
    async with app.router.lifespan_context(app):
        yield app


@pytest.mark.parametrize("budget", ["max_completion_tokens", "max_prompt_tokens"])
async def test_a_token_budget_spent_before_a_pause_ends_the_resumed_run_incomplete(
    spending_app: Starlette, budget: str
) -> None:
    async with http_client(spending_app) as http:
        assistant = (
            await http.post("/v1/assistants", json={"model": "m", "tools": [QUIZ_TOOL]})
        ).json()
        thread_id = await _thread(http)
        run = (
            await http.post(
                f"/v1/threads/{thread_id}/runs",
                json={"assistant_id": assistant["id"], budget: 256},
            )
        ).json()
        paused = await _wait(http, thread_id, run["id"])
        call = paused["required_action"]["submit_tool_outputs"]["tool_calls"][0]
        await http.post(
            f"/v1/threads/{thread_id}/runs/{run['id']}/submit_tool_outputs",
            json={"tool_outputs": [{"tool_call_id": call["id"], "output": "x"}]},
        )
        ended = await _wait(http, thread_id, run["id"])
    assert (ended["status"], ended["incomplete_details"]) == ("incomplete", {"reason": budget})


async def test_every_run_response_tells_clients_when_to_poll(
    http: httpx2.AsyncClient, config: ServerConfig
) -> None:
    assistant_id = await create_quiz_assistant(http)
    thread_id = await _thread(http)
    created = await http.post(f"/v1/threads/{thread_id}/runs", json={"assistant_id": assistant_id})
    run_id = created.json()["id"]
    retrieved = await http.get(f"/v1/threads/{thread_id}/runs/{run_id}")
    assert created.headers["openai-poll-after-ms"] == str(config.poll_after_ms)
    assert retrieved.headers["openai-poll-after-ms"] == str(config.poll_after_ms)
    run = await _wait(http, thread_id, run_id)
    assert run["status"] == "requires_action"
    calls = run["required_action"]["submit_tool_outputs"]["tool_calls"]
    outputs = [{"tool_call_id": c["id"], "output": "[]"} for c in calls]
    submitted = await http.post(
        f"/v1/threads/{thread_id}/runs/{run_id}/submit_tool_outputs",
        json={"tool_outputs": outputs},
    )
    assert submitted.headers["openai-poll-after-ms"] == str(config.poll_after_ms)
