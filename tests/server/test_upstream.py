"""A real upstream behind the server: Responses or Chat Completions, over HTTP (FakeOpenAI)."""

from __future__ import annotations

import asyncio
from typing import Any, Literal

import pytest

from agentkit.server import ServerConfig, create_app, upstream_model_factory
from agentkit.server.config import ModelFactory
from agentkit.testing import FakeOpenAI, FakeReply
from agentkit.testing.fake_openai import FakeToolCall
from tests.leak_watch import secret
from tests.server.conftest import KEYS, QUIZ_TOOL, http_client

UPSTREAM_KEY = secret("sk-upstream-for-serve")


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
            base_url=base_url, api_key=UPSTREAM_KEY, api=api
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


async def test_a_credential_the_upstream_echoes_is_masked_in_last_error(db_path: str) -> None:
    echoed = (
        f"Incorrect API key provided: {UPSTREAM_KEY}. Sent headers: Authorization: Bearer "
        f"{UPSTREAM_KEY}, api-key: {UPSTREAM_KEY}"
    )
    fake = FakeOpenAI([FakeReply.error(401, echoed)])
    async with fake.serve() as base_url:
        factory, _, client = upstream_model_factory(base_url=base_url, api_key=UPSTREAM_KEY)
        run, _ = await _quiz_run(_config(db_path, factory))
        await client.close()
    message = run["last_error"]["message"]
    assert run["status"] == "failed"
    assert UPSTREAM_KEY not in message
    assert "Incorrect API key provided: sk-***. " in message
    assert "Authorization: Bearer ***, api-key: ***" in message


@pytest.mark.parametrize(
    ("assistant", "run", "sent"),
    [
        ({}, {}, {}),
        ({"temperature": 0.2}, {}, {"temperature": 0.2}),
        ({"temperature": 0.2}, {"top_p": 0.5}, {"temperature": 0.2, "top_p": 0.5}),
        ({}, {"temperature": 0.0}, {"temperature": 0.0}),
    ],
)
async def test_only_the_sampling_settings_that_were_set_are_sent_upstream(
    db_path: str, assistant: dict[str, float], run: dict[str, float], sent: dict[str, float]
) -> None:
    fake = FakeOpenAI(["Hi."])
    async with fake.serve() as base_url:
        factory, _, client = upstream_model_factory(base_url=base_url, api_key=None)
        app = create_app(_config(db_path, factory))
        async with app.router.lifespan_context(app), http_client(app) as http:
            created = (
                await http.post("/v1/assistants", json={"model": "gpt-4o", **assistant})
            ).json()
            body = {
                "assistant_id": created["id"],
                "thread": {"messages": [{"role": "user", "content": "Q"}]},
                **run,
            }
            started = (await http.post("/v1/threads/runs", json=body)).json()
            await _until_stopped(http, f"/v1/threads/{started['thread_id']}/runs/{started['id']}")
        await client.close()
    (request,) = fake.requests
    assert {k: request.body[k] for k in ("temperature", "top_p") if k in request.body} == sent
    # What clients see is unchanged: the API's default where nothing was set.
    assert (created["temperature"], created["top_p"]) == (
        assistant.get("temperature", 1.0),
        1.0,
    )


async def test_a_run_read_as_a_stream_streams_upstream_and_a_polled_one_does_not(
    db_path: str,
) -> None:
    fake = FakeOpenAI(["Polled.", "Streamed."])
    async with fake.serve() as base_url:
        factory, _, client = upstream_model_factory(base_url=base_url, api_key=UPSTREAM_KEY)
        app = create_app(_config(db_path, factory))
        async with app.router.lifespan_context(app), http_client(app) as http:
            assistant = (await http.post("/v1/assistants", json={"model": "gpt-4o"})).json()
            for stream in (False, True):
                thread = (
                    await http.post(
                        "/v1/threads", json={"messages": [{"role": "user", "content": "Q"}]}
                    )
                ).json()
                base = f"/v1/threads/{thread['id']}/runs"
                body = {"assistant_id": assistant["id"], "stream": stream}
                answer = await http.post(base, json=body)
                if not stream:
                    await _until_stopped(http, f"{base}/{answer.json()['id']}")
                else:
                    assert "thread.run.completed" in answer.text
        await client.close()

    assert [request.body.get("stream") for request in fake.requests] == [False, True]
