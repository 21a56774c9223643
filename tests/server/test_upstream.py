"""A real upstream behind the server: Responses or Chat Completions, over HTTP (FakeOpenAI)."""

from __future__ import annotations

import asyncio
from typing import Any, Literal

import pytest

from agentkit.server import ServerConfig, create_app, upstream_model_factory
from agentkit.server.config import ModelFactory
from agentkit.testing import FakeOpenAI, FakeReply
from agentkit.testing.fake_openai import FakeToolCall
from tests.server.conftest import KEYS, QUIZ_TOOL, http_client


async def _quiz_run(config: ServerConfig) -> tuple[dict[str, Any], list[str]]:
    app = create_app(config)
    async with app.router.lifespan_context(app), http_client(app) as http:
        assistant = (
            await http.post(
                "/v1/assistants",
                json={"model": "gpt-4o", "instructions": "Tutor.", "tools": [QUIZ_TOOL]},
            )
        ).json()
        thread = (
            await http.post("/v1/threads", json={"messages": [{"role": "user", "content": "Q"}]})
        ).json()
        base = f"/v1/threads/{thread['id']}/runs"
        run = (await http.post(base, json={"assistant_id": assistant["id"]})).json()
        run = await _until_stopped(http, f"{base}/{run['id']}")
        if run["status"] == "requires_action":
            call = run["required_action"]["submit_tool_outputs"]["tool_calls"][0]
            await http.post(
                f"{base}/{run['id']}/submit_tool_outputs",
                json={"tool_outputs": [{"tool_call_id": call["id"], "output": '["a"]'}]},
            )
            run = await _until_stopped(http, f"{base}/{run['id']}")
        listed = (await http.get(f"/v1/threads/{thread['id']}/messages?order=asc")).json()
    return run, [m["content"][0]["text"]["value"] for m in listed["data"]]


def _config(db_path: str, factory: ModelFactory) -> ServerConfig:
    return ServerConfig(db_path=db_path, api_keys=KEYS, model_factory=factory)


async def _until_stopped(http: Any, url: str) -> dict[str, Any]:
    for _ in range(1000):
        run = (await http.get(url)).json()
        if run["status"] not in ("queued", "in_progress"):
            return dict(run)
        await asyncio.sleep(0.01)
    raise AssertionError("the run did not stop")


@pytest.mark.parametrize("api", ["responses", "chat"])
async def test_runs_use_the_upstream_model_and_pause_for_its_function_calls(
    db_path: str, api: Literal["responses", "chat"]
) -> None:
    fake = FakeOpenAI(
        [FakeReply.calls(FakeToolCall("display_quiz", {"title": "T", "questions": []})), "Good."]
    )
    async with fake.serve() as base_url:
        factory, description, client = upstream_model_factory(
            base_url=base_url, api_key="sk-up", api=api
        )
        run, texts = await _quiz_run(_config(db_path, factory))
        await client.close()
    first, second = fake.requests
    assert (run["status"], run["model"], texts) == ("completed", "gpt-4o", ["Q", "Good."])
    assert (first.api, first.body["model"], first.tool_names) == (api, "gpt-4o", ["display_quiz"])
    assert list(second.tool_outputs().values()) == ['["a"]']
    assert description.startswith(("ResponsesModel", "ChatCompletionsModel"))


async def test_the_model_override_is_sent_upstream_while_runs_show_the_assistants_model(
    db_path: str,
) -> None:
    fake = FakeOpenAI(["Hello."])
    async with fake.serve() as base_url:
        factory, _, client = upstream_model_factory(
            base_url=base_url, api_key=None, api="chat", model_override="qwen3:8b"
        )
        run, _ = await _quiz_run(
            ServerConfig(db_path=db_path, api_keys=KEYS, model_factory=factory)
        )
        await client.close()
    assert (fake.requests[0].body["model"], run["model"]) == ("qwen3:8b", "gpt-4o")


async def test_an_upstream_failure_fails_the_run_with_a_spec_error_code(db_path: str) -> None:
    fake = FakeOpenAI([FakeReply.error(400, "Bad tools.")])
    async with fake.serve() as base_url:
        factory, _, client = upstream_model_factory(base_url=base_url, api_key="k")
        run, _ = await _quiz_run(
            ServerConfig(db_path=db_path, api_keys=KEYS, model_factory=factory)
        )
        await client.close()
    assert run["status"] == "failed"
    assert run["last_error"]["code"] == "server_error"
    assert run["last_error"]["message"].startswith("[invalid_request_error] ")
