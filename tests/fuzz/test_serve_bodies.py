"""Random JSON bodies to every `agentkit serve` route: never a 500, always an OpenAI-style error."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

import httpx2
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from agentkit.server import ServerConfig, create_app, offline_model_factory
from tests.leak_watch import secret

KEY = secret("sk-fuzz-serve")
ROUTES = [
    ("POST", "/v1/assistants"),
    ("POST", "/v1/assistants/{assistant}"),
    ("POST", "/v1/threads"),
    ("POST", "/v1/threads/{thread}"),
    ("POST", "/v1/threads/runs"),
    ("POST", "/v1/threads/{thread}/runs"),
    ("POST", "/v1/threads/{thread}/runs/{run}"),
    ("POST", "/v1/threads/{thread}/runs/{run}/cancel"),
    ("POST", "/v1/threads/{thread}/runs/{run}/submit_tool_outputs"),
    ("POST", "/v1/threads/{thread}/messages"),
    ("POST", "/v1/threads/{thread}/messages/{message}"),
    ("GET", "/v1/threads/{thread}/messages"),
    ("GET", "/v1/threads/{thread}/runs"),
    ("GET", "/v1/assistants"),
]
FIELDS = [
    "model", "name", "instructions", "tools", "metadata", "assistant_id", "thread", "messages",
    "role", "content", "stream", "tool_outputs", "tool_call_id", "output", "order", "limit",
    "after", "tool_choice", "temperature", "truncation_strategy", "max_prompt_tokens",
    "response_format", "additional_messages", "parallel_tool_calls", "attachments",
]  # fmt: skip
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=12),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.sampled_from(FIELDS), inner),
    max_leaves=10,
)
bodies = (
    st.dictionaries(st.sampled_from(FIELDS), json_values, max_size=6).map(json.dumps)
    | json_values.map(json.dumps)
    | st.binary(max_size=40).map(lambda b: b.decode("latin-1"))
)
query = st.dictionaries(
    st.sampled_from(["limit", "order", "after", "before", "run_id"]), st.text(max_size=8)
)


async def _ids(client: httpx2.AsyncClient) -> dict[str, str]:
    assistant = (await client.post("/v1/assistants", json={"model": "gpt-test"})).json()
    thread = (await client.post("/v1/threads", json={})).json()
    message = await client.post(
        f"/v1/threads/{thread['id']}/messages", json={"role": "user", "content": "hi"}
    )
    return {
        "assistant": assistant["id"],
        "thread": thread["id"],
        "message": message.json()["id"],
        "run": "run_missing",
    }


async def _request(
    client: httpx2.AsyncClient, method: str, path: str, body: str, params: dict[str, Any]
) -> None:
    ids = await _ids(client)
    async with asyncio.timeout(10):
        response = await client.request(
            method, path.format(**ids), content=body.encode(), params=params
        )
        await response.aread()
    assert response.status_code < 500, (response.status_code, response.text)
    if response.status_code >= 400:
        error = response.json()["error"]
        assert isinstance(error["message"], str) and error["message"]
        assert {"message", "type", "param", "code"} <= set(error)


def test_any_body_gets_a_response_or_an_openai_error(tmp_path: Path) -> None:
    config = ServerConfig(
        model_factory=offline_model_factory,
        db_path=str(tmp_path / "serve.db"),
        api_keys={KEY: "fuzz"},
    )
    app = create_app(config)
    headers = {"authorization": f"Bearer {KEY}", "content-type": "application/json"}
    client = httpx2.AsyncClient(
        transport=httpx2.ASGITransport(app=app), base_url="http://serve", headers=headers
    )

    @settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(route=st.sampled_from(ROUTES), body=bodies, params=query)
    def check(route: tuple[str, str], body: str, params: dict[str, str]) -> None:
        loop.run_until_complete(_request(client, *route, body, params))

    # One loop and one app for every example: the app's store lives as long as the loop.
    with asyncio.Runner() as runner:
        loop = runner.get_loop()
        check()
        loop.run_until_complete(client.aclose())
