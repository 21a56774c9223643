"""Deep nesting and lone surrogates: a fast 400 naming the field, before anything is stored."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import httpx2
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from starlette.applications import Starlette

from agentkit.server.errors import APIError
from agentkit.server.json_bounds import check_bounds, may_exceed_bounds
from tests.server.conftest import create_quiz_assistant


def nested(depth: int) -> Any:
    value: Any = {}
    for _ in range(depth - 1):
        value = {"a": value}
    return value


def deep_json_schema(depth: int) -> dict[str, Any]:
    # response_format -> json_schema -> schema is 3 levels; the schema fills the rest.
    return {"type": "json_schema", "json_schema": {"name": "deep", "schema": nested(depth - 2)}}


async def _state(http: httpx2.AsyncClient, thread_id: str) -> tuple[int, int]:
    messages = (await http.get(f"/v1/threads/{thread_id}/messages")).json()["data"]
    runs = (await http.get(f"/v1/threads/{thread_id}/runs")).json()["data"]
    return len(messages), len(runs)


async def test_a_field_nested_past_64_levels_is_a_400_naming_it_and_nothing_is_stored(
    http: httpx2.AsyncClient,
) -> None:
    assistant_id = await create_quiz_assistant(http)
    thread = (await http.post("/v1/threads", json={})).json()
    body = {
        "assistant_id": assistant_id,
        "response_format": deep_json_schema(260),
        "additional_messages": [{"role": "user", "content": "hi"}],
    }
    response = await http.post(f"/v1/threads/{thread['id']}/runs", json=body)
    error = response.json()["error"]
    assert response.status_code == 400
    assert (error["param"], error["code"], error["type"]) == (
        "response_format",
        "invalid_value",
        "invalid_request_error",
    )
    assert "nested more than 64 levels" in error["message"]
    assert await _state(http, thread["id"]) == (0, 0)


@pytest.mark.parametrize(("depth", "status"), [(64, 200), (65, 400)])
async def test_64_levels_are_accepted_and_65_are_not(
    http: httpx2.AsyncClient, depth: int, status: int
) -> None:
    body = {"model": "gpt-4o", "response_format": deep_json_schema(depth)}
    response = await http.post("/v1/assistants", json=body)
    assert response.status_code == status, response.text


async def test_a_thread_created_with_a_run_is_not_created_when_nesting_is_too_deep(
    app: Starlette, http: httpx2.AsyncClient
) -> None:
    assistant_id = await create_quiz_assistant(http)
    body = {"assistant_id": assistant_id, "thread": {"tool_resources": nested(70)}}
    response = await http.post("/v1/threads/runs", json=body)
    assert (response.status_code, response.json()["error"]["param"]) == (400, "thread")
    assert await app.state.store.scoped("alpha").list_threads() == []


SURROGATE = "\\ud800"  # as it is written in JSON: valid JSON, not valid Unicode


@pytest.mark.parametrize(
    ("path", "body", "param"),
    [
        ("messages", '{"role": "user", "content": "a%sb"}', "content"),
        (
            "messages",
            '{"role": "user", "content": [{"type": "text", "text": "%s"}]}',
            "content[0].text",
        ),
        ("messages", '{"role": "user", "content": "x", "metadata": {"k": "%s"}}', "metadata.k"),
        ("messages", '{"role": "user", "content": "x", "metadata": {"%s": "v"}}', "metadata"),
        ("", '{"metadata": {"k": "%s"}}', "metadata.k"),
    ],
)
async def test_a_lone_surrogate_in_a_message_or_metadata_is_a_400_naming_the_field(
    http: httpx2.AsyncClient, path: str, body: str, param: str
) -> None:
    thread = (await http.post("/v1/threads", json={})).json()
    url = f"/v1/threads/{thread['id']}/{path}".rstrip("/")
    raw = (body % SURROGATE).encode()
    response = await http.post(url, content=raw, headers={"content-type": "application/json"})
    error = response.json()["error"]
    assert response.status_code == 400, response.text
    assert (error["param"], error["code"]) == (param, "invalid_value")
    assert "lone surrogate (\\ud800" in error["message"]
    assert await _state(http, thread["id"]) == (0, 0)


async def test_a_new_thread_with_a_surrogate_in_a_message_is_not_created(
    http: httpx2.AsyncClient,
) -> None:
    raw = ('{"messages": [{"role": "user", "content": "' + SURROGATE + '"}]}').encode()
    response = await http.post(
        "/v1/threads", content=raw, headers={"content-type": "application/json"}
    )
    assert (response.status_code, response.json()["error"]["param"]) == (
        400,
        "messages[0].content",
    )


async def test_a_lone_surrogate_in_a_tool_output_is_a_400_and_the_run_still_waits(
    http: httpx2.AsyncClient,
) -> None:
    assistant_id = await create_quiz_assistant(http)
    thread = (
        await http.post("/v1/threads", json={"messages": [{"role": "user", "content": "quiz"}]})
    ).json()
    base = f"/v1/threads/{thread['id']}/runs"
    run = (await http.post(base, json={"assistant_id": assistant_id})).json()
    run = await _until(http, f"{base}/{run['id']}", "requires_action")
    call_id = run["required_action"]["submit_tool_outputs"]["tool_calls"][0]["id"]
    raw = json.dumps({"tool_outputs": [{"tool_call_id": call_id, "output": "ok"}]})
    bad = raw.replace('"ok"', f'"o{SURROGATE}k"').encode()
    refused = await http.post(
        f"{base}/{run['id']}/submit_tool_outputs",
        content=bad,
        headers={"content-type": "application/json"},
    )
    waiting = (await http.get(f"{base}/{run['id']}")).json()
    accepted = await http.post(f"{base}/{run['id']}/submit_tool_outputs", content=raw.encode())
    assert (refused.status_code, refused.json()["error"]["param"]) == (
        400,
        "tool_outputs[0].output",
    )
    assert waiting["status"] == "requires_action"
    assert accepted.status_code == 200
    assert (await _until(http, f"{base}/{run['id']}", "completed"))["status"] == "completed"


async def _until(http: httpx2.AsyncClient, url: str, status: str) -> dict[str, Any]:
    for _ in range(500):
        run = (await http.get(url)).json()
        if run["status"] == status:
            return dict(run)
        await asyncio.sleep(0.01)
    raise AssertionError(f"the run never reached {status}: {run['status']}")


tricky_text = st.text(alphabet='[]{}"\\ab\n', max_size=8)  # brackets, quotes and escapes
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | tricky_text,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(tricky_text, inner, max_size=3),
    max_leaves=8,
)


@settings(max_examples=150, deadline=None)
@given(value=json_values, depth=st.integers(min_value=60, max_value=68), as_list=st.booleans())
def test_the_raw_precheck_never_misses_a_body_the_walk_refuses(
    value: Any, depth: int, as_list: bool
) -> None:
    for _ in range(depth):
        value = [value] if as_list else {"k]": value}
    body = {"s": "]]]]", "field": value}  # brackets in strings must not hide the nesting
    raw = json.dumps(body, ensure_ascii=False).encode()
    try:
        check_bounds(body)
    except APIError:
        refused = True
    else:
        refused = False
    assert may_exceed_bounds(raw) == refused
