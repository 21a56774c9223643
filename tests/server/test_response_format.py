"""``response_format`` reaches the upstream model: the assistant's, or the run's override."""

from __future__ import annotations

import asyncio
from typing import Any, Literal

import pytest

from agentkit.server import ServerConfig, create_app, upstream_model_factory
from agentkit.testing import FakeOpenAI
from tests.server.conftest import KEYS, http_client

SCHEMA = {
    "type": "object",
    "properties": {"answer": {"type": "string"}},
    "required": ["answer"],
    "additionalProperties": False,
}
JSON_SCHEMA = {
    "type": "json_schema",
    "json_schema": {"name": "reply", "schema": SCHEMA, "strict": True},
}


async def _run(
    fake: FakeOpenAI,
    db_path: str,
    api: Literal["responses", "chat"],
    assistant_format: Any,
    run_format: Any = None,
) -> dict[str, Any]:
    async with fake.serve() as base_url:
        factory, _, client = upstream_model_factory(base_url=base_url, api_key="k", api=api)
        app = create_app(ServerConfig(db_path=db_path, api_keys=KEYS, model_factory=factory))
        async with app.router.lifespan_context(app), http_client(app) as http:
            body: dict[str, Any] = {"model": "gpt-4o", "response_format": assistant_format}
            assistant = (await http.post("/v1/assistants", json=body)).json()
            thread = (
                await http.post(
                    "/v1/threads", json={"messages": [{"role": "user", "content": "Q"}]}
                )
            ).json()
            create: dict[str, Any] = {"assistant_id": assistant["id"]}
            if run_format is not None:
                create["response_format"] = run_format
            base = f"/v1/threads/{thread['id']}/runs"
            run = (await http.post(base, json=create)).json()
            for _ in range(500):
                run = (await http.get(f"{base}/{run['id']}")).json()
                if run["status"] not in ("queued", "in_progress"):
                    break
                await asyncio.sleep(0.01)
        await client.close()
    return dict(run)


@pytest.mark.parametrize("api", ["responses", "chat"])
async def test_the_assistants_json_schema_is_sent_upstream(
    db_path: str, api: Literal["responses", "chat"]
) -> None:
    fake = FakeOpenAI(['{"answer": "yes"}'])

    run = await _run(fake, db_path, api, JSON_SCHEMA)

    assert run["status"] == "completed"
    assert run["response_format"] == JSON_SCHEMA
    sent = fake.bodies[0]
    if api == "responses":
        assert sent["text"] == {
            "format": {"type": "json_schema", "name": "reply", "schema": SCHEMA, "strict": True}
        }
    else:
        assert sent["response_format"] == JSON_SCHEMA


@pytest.mark.parametrize("api", ["responses", "chat"])
async def test_a_runs_json_object_overrides_the_assistants_format(
    db_path: str, api: Literal["responses", "chat"]
) -> None:
    fake = FakeOpenAI(['{"any": "object"}'])

    run = await _run(fake, db_path, api, JSON_SCHEMA, {"type": "json_object"})

    assert run["status"] == "completed"
    assert run["response_format"] == {"type": "json_object"}
    sent = fake.bodies[0]
    field = sent["text"]["format"] if api == "responses" else sent["response_format"]
    assert field == {"type": "json_object"}


async def test_text_and_auto_send_no_format(db_path: str) -> None:
    fake = FakeOpenAI(["plain"])

    run = await _run(fake, db_path, "chat", {"type": "text"})

    assert run["status"] == "completed"
    assert "response_format" not in fake.bodies[0]


async def test_an_answer_that_is_not_json_is_asked_again_then_fails_the_run(db_path: str) -> None:
    fake = FakeOpenAI(["no json", "still none", "nope", "never"])

    run = await _run(fake, db_path, "chat", {"type": "json_object"})

    assert run["status"] == "failed"
    assert run["last_error"]["code"] == "server_error"
    assert run["last_error"]["message"].startswith("[invalid_output] ")
    assert len(fake.requests) == 3  # the answer, then max_model_retries (2) more
