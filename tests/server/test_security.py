"""API keys, project isolation, body limits, and bad input that must never crash the server."""

from __future__ import annotations

import weakref
from typing import Any

import httpx2
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from starlette.applications import Starlette

from agentkit.server import ServerConfig, create_app, offline_model_factory
from agentkit.server.auth import project_for_key
from tests.server.conftest import KEYS, create_quiz_assistant, http_client


@pytest.mark.parametrize(
    ("headers", "code"),
    [
        ({}, "missing_api_key"),
        ({"Authorization": "Bearer sk-wrong"}, "invalid_api_key"),
        ({"Authorization": "Basic sk-alpha"}, "missing_api_key"),
        ({"Authorization": "Bearer "}, "missing_api_key"),
    ],
)
async def test_requests_without_a_valid_key_get_401(
    app: Starlette, headers: dict[str, str], code: str
) -> None:
    async with http_client(app, key=None) as http:
        response = await http.get("/v1/assistants", headers=headers)
    assert response.status_code == 401
    assert response.json()["error"]["code"] == code
    assert set(response.json()["error"]) == {"message", "type", "param", "code"}


def test_key_lookup_matches_only_the_exact_key() -> None:
    keys = {"sk-alpha": "alpha", "sk-beta": "beta"}
    found = [project_for_key(keys, k) for k in ("sk-alpha", "sk-beta", "sk-alph", "sk-alphaa")]
    assert found == ["alpha", "beta", None, None]


async def test_another_projects_objects_are_not_found(app: Starlette) -> None:
    async with http_client(app, "sk-alpha") as alpha, http_client(app, "sk-beta") as beta:
        assistant_id = await create_quiz_assistant(alpha)
        thread = (
            await alpha.post("/v1/threads", json={"messages": [{"role": "user", "content": "x"}]})
        ).json()
        run = (
            await alpha.post(
                f"/v1/threads/{thread['id']}/runs", json={"assistant_id": assistant_id}
            )
        ).json()
        attempts = [
            await beta.get(f"/v1/assistants/{assistant_id}"),
            await beta.delete(f"/v1/assistants/{assistant_id}"),
            await beta.get(f"/v1/threads/{thread['id']}"),
            await beta.get(f"/v1/threads/{thread['id']}/messages"),
            await beta.get(f"/v1/threads/{thread['id']}/runs/{run['id']}"),
            await beta.post(f"/v1/threads/{thread['id']}/runs/{run['id']}/cancel"),
            await beta.post(
                f"/v1/threads/{thread['id']}/runs", json={"assistant_id": assistant_id}
            ),
        ]
        listed = (await beta.get("/v1/assistants")).json()
        still_there = await alpha.get(f"/v1/assistants/{assistant_id}")
    assert [r.status_code for r in attempts] == [404] * len(attempts)
    assert listed["data"] == []
    assert still_there.status_code == 200


async def test_a_body_over_the_limit_gets_413(db_path: str) -> None:
    app = create_app(
        ServerConfig(
            model_factory=offline_model_factory, db_path=db_path, api_keys=KEYS, max_body_bytes=1000
        )
    )
    async with app.router.lifespan_context(app), http_client(app) as http:
        declared = await http.post(
            "/v1/assistants", json={"model": "m", "instructions": "x" * 2000}
        )

        async def chunks() -> Any:
            for _ in range(5):
                yield b" " * 400

        streamed = await http.post("/v1/assistants", content=chunks())
    assert (declared.status_code, streamed.status_code) == (413, 413)
    assert declared.json()["error"]["code"] == "body_too_large"


@pytest.mark.parametrize(
    ("body", "param", "code"),
    [
        (b"{not json", None, "invalid_json"),
        (b"\xff\xfe{}", None, "invalid_json"),
        (b"[1, 2]", None, "invalid_type"),
        (b'"text"', None, "invalid_type"),
        (b"[" * 100_000, None, "invalid_json"),
        (b'{"model": 5}', "model", "invalid_type"),
        (b'{"model": "m", "temperature": 1e999}', "temperature", "invalid_value"),
        (b'{"model": "m", "temperature": "hot"}', "temperature", "invalid_type"),
        (b'{"model": "m", "colour": "red"}', "colour", "unknown_parameter"),
        (b"{}", "model", "missing_required_parameter"),
        (b'{"model": "m", "tools": [{"type": "browser"}]}', "tools[0]", "invalid_value"),
        (
            b'{"model": "m", "tools": [{"type": "function", "function": {"name": "a b"}}]}',
            "tools[0].function.name",
            "invalid_value",
        ),
        (b'{"model": "m", "metadata": {"k": 1}}', "metadata.k", "invalid_type"),
        (b'{"model": "m", "top_p": ' + b"9" * 5000 + b"}", None, "invalid_json"),
    ],
)
async def test_malformed_and_invalid_bodies_get_a_400_naming_the_parameter(
    http: httpx2.AsyncClient, body: bytes, param: str | None, code: str
) -> None:
    response = await http.post(
        "/v1/assistants", content=body, headers={"content-type": "application/json"}
    )
    assert response.status_code == 400
    error = response.json()["error"]
    assert (error["param"], error["code"], error["type"]) == (param, code, "invalid_request_error")


@pytest.mark.parametrize(
    "query", ["limit=0", "limit=101", "limit=abc", "limit=" + "9" * 5000, "order=up"]
)
async def test_bad_list_parameters_get_a_400(http: httpx2.AsyncClient, query: str) -> None:
    response = await http.get(f"/v1/assistants?{query}")
    assert response.status_code == 400
    assert response.json()["error"]["param"] in ("limit", "order")


async def test_unknown_routes_and_methods_get_404_and_405_in_the_error_shape(
    http: httpx2.AsyncClient,
) -> None:
    missing = await http.get("/v1/batches")
    wrong = await http.put("/v1/assistants")
    assert (missing.status_code, missing.json()["error"]["code"]) == (404, "unknown_url")
    assert (wrong.status_code, wrong.json()["error"]["code"]) == (405, "method_not_allowed")


ROUTES = [
    ("POST", "/v1/assistants"),
    ("POST", "/v1/assistants/{assistant}"),
    ("POST", "/v1/threads"),
    ("POST", "/v1/threads/{thread}"),
    ("POST", "/v1/threads/{thread}/messages"),
    ("POST", "/v1/threads/{thread}/messages/{message}"),
    ("POST", "/v1/threads/{thread}/runs"),
    ("POST", "/v1/threads/runs"),
    ("POST", "/v1/threads/{thread}/runs/{run}"),
    ("POST", "/v1/threads/{thread}/runs/{run}/submit_tool_outputs"),
    ("POST", "/v1/threads/{thread}/runs/{run}/cancel"),
    ("GET", "/v1/threads/{thread}/messages"),
    ("GET", "/v1/threads/{thread}/runs/{run}/steps"),
]

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=4)
    ),
    max_leaves=12,
)
field_names = st.sampled_from(
    [
        "model",
        "assistant_id",
        "role",
        "content",
        "tools",
        "tool_outputs",
        "metadata",
        "stream",
        "messages",
        "thread",
        "tool_choice",
        "limit",
        "instructions",
        "temperature",
    ]
)
bodies = st.one_of(json_values, st.dictionaries(field_names, json_values, max_size=5))
queries = st.dictionaries(
    st.sampled_from(["limit", "order", "after", "before"]), st.text(max_size=8), max_size=3
)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(route=st.sampled_from(ROUTES), body=bodies, query=queries)
async def test_random_json_never_gets_a_500(
    http: httpx2.AsyncClient, route: tuple[str, str], body: Any, query: dict[str, str]
) -> None:
    ids = await _ids(http)
    method, template = route
    response = await http.request(method, template.format(**ids), json=body, params=query)
    assert response.status_code < 500, response.text
    if response.status_code >= 400:
        assert set(response.json()["error"]) == {"message", "type", "param", "code"}


_CACHE: weakref.WeakKeyDictionary[httpx2.AsyncClient, dict[str, str]] = weakref.WeakKeyDictionary()


async def _ids(http: httpx2.AsyncClient) -> dict[str, str]:
    # Real ids (made once per client) so that fuzzed bodies reach validation and the engine.
    if http not in _CACHE:
        assistant_id = await create_quiz_assistant(http)
        thread = (
            await http.post("/v1/threads", json={"messages": [{"role": "user", "content": "x"}]})
        ).json()
        message = (await http.get(f"/v1/threads/{thread['id']}/messages")).json()["data"][0]
        run = (
            await http.post(f"/v1/threads/{thread['id']}/runs", json={"assistant_id": assistant_id})
        ).json()
        _CACHE[http] = {
            "assistant": assistant_id,
            "thread": thread["id"],
            "message": message["id"],
            "run": run["id"],
        }
    return _CACHE[http]
