"""Values the API gives a shape are checked to it; echoed objects keep the API's schemas."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx2
import pytest

from tests.server.conftest import QUIZ_TOOL, create_quiz_assistant
from tests.server.spec import assert_conforms

JSON_SCHEMA_FORMAT = {
    "type": "json_schema",
    "json_schema": {
        "name": "answer",
        "description": "The answer.",
        "schema": {"type": "object", "properties": {"x": {"type": "integer"}}},
        "strict": True,
    },
}
FILE_SEARCH = {
    "type": "file_search",
    "file_search": {
        "max_num_results": 5,
        "ranking_options": {"ranker": "auto", "score_threshold": 0.5},
    },
}
RESOURCES = {
    "code_interpreter": {"file_ids": ["file-1"]},
    "file_search": {"vector_store_ids": ["vs_1"]},
}


@pytest.mark.parametrize(
    ("field", "value", "param", "code"),
    [
        ("response_format", {"type": "xml"}, "response_format", "invalid_value"),
        ("response_format", "json", "response_format", "invalid_value"),
        (
            "response_format",
            {"type": "json_schema"},
            "response_format.json_schema",
            "missing_required_parameter",
        ),
        (
            "response_format",
            {"type": "json_schema", "json_schema": {"name": "a b"}},
            "response_format.json_schema.name",
            "invalid_value",
        ),
        (
            "response_format",
            {"type": "text", "strict": True},
            "response_format.strict",
            "unknown_parameter",
        ),
        (
            "tool_resources",
            {"code_interpreter": {"file_ids": "file-1"}},
            "tool_resources.code_interpreter.file_ids",
            "invalid_type",
        ),
        (
            "tool_resources",
            {"file_search": {"vector_store_ids": ["a", "b"]}},
            "tool_resources.file_search.vector_store_ids",
            "invalid_value",
        ),
        ("tool_resources", {"browser": {}}, "tool_resources.browser", "unknown_parameter"),
        (
            "tool_resources",
            {"file_search": {"vector_stores": [{"file_ids": ["file-missing"]}]}},
            "tool_resources.file_search.vector_stores[0].file_ids",
            "invalid_value",
        ),
        (
            "tool_resources",
            {
                "file_search": {
                    "vector_stores": [
                        {
                            "chunking_strategy": {
                                "type": "static",
                                "static": {
                                    "max_chunk_size_tokens": 100,
                                    "chunk_overlap_tokens": -1,
                                },
                            }
                        }
                    ]
                }
            },
            "tool_resources.file_search.vector_stores[0].chunking_strategy.static"
            ".chunk_overlap_tokens",
            "invalid_value",
        ),
        (
            "tool_resources",
            {"file_search": {"vector_store_ids": ["vs_1"], "vector_stores": [{}]}},
            "tool_resources.file_search",
            "invalid_value",
        ),
        (
            "tools",
            [{"type": "file_search", "file_search": {"max_num_results": 51}}],
            "tools[0].file_search.max_num_results",
            "invalid_value",
        ),
        (
            "tools",
            [{"type": "file_search", "file_search": {"ranking_options": {}}}],
            "tools[0].file_search.ranking_options.score_threshold",
            "missing_required_parameter",
        ),
        (
            "tools",
            [{"type": "file_search", "file_search": {"rank": 1}}],
            "tools[0].file_search.rank",
            "unknown_parameter",
        ),
    ],
)
async def test_malformed_formats_resources_and_file_search_options_get_a_400(
    http: httpx2.AsyncClient, field: str, value: Any, param: str, code: str
) -> None:
    response = await http.post("/v1/assistants", json={"model": "gpt-4o", field: value})
    assert response.status_code == 400, response.text
    error = response.json()["error"]
    assert (error["param"], error["code"]) == (param, code)
    assert (await http.get("/v1/assistants")).json()["data"] == []


async def test_well_formed_values_are_echoed_and_conform_to_the_assistant_schema(
    http: httpx2.AsyncClient,
) -> None:
    body = {
        "model": "gpt-4o",
        "tools": [FILE_SEARCH, QUIZ_TOOL],
        "tool_resources": RESOURCES,
        "response_format": JSON_SCHEMA_FORMAT,
    }
    created = (await http.post("/v1/assistants", json=body)).json()
    modified = (
        await http.post(
            f"/v1/assistants/{created['id']}",
            json={"response_format": {"type": "json_object"}, "tool_resources": None},
        )
    ).json()
    assert (created["tools"][0], created["response_format"]) == (FILE_SEARCH, JSON_SCHEMA_FORMAT)
    assert created["tool_resources"] == RESOURCES
    assert modified["response_format"] == {"type": "json_object"}
    assert modified["tool_resources"] == {"file_search": {"vector_store_ids": []}}
    for assistant in (created, modified):
        assert_conforms("AssistantObject", assistant)


async def test_thread_and_run_values_are_checked_and_conform(http: httpx2.AsyncClient) -> None:
    assistant_id = await create_quiz_assistant(http)
    bad_thread = await http.post(
        "/v1/threads", json={"tool_resources": {"code_interpreter": {"files": []}}}
    )
    bad_modify = await http.post(
        f"/v1/threads/{(await http.post('/v1/threads', json={})).json()['id']}",
        json={"tool_resources": {"file_search": {"vector_stores": []}}},
    )
    run = (
        await http.post(
            "/v1/threads/runs",
            json={
                "assistant_id": assistant_id,
                "tool_resources": RESOURCES,
                "response_format": {"type": "text"},
            },
        )
    ).json()
    thread = (await http.get(f"/v1/threads/{run['thread_id']}")).json()
    assert bad_thread.json()["error"]["param"] == "tool_resources.code_interpreter.files"
    assert bad_modify.json()["error"]["param"] == "tool_resources.file_search.vector_stores"
    assert (thread["tool_resources"], run["response_format"]) == (RESOURCES, {"type": "text"})
    assert_conforms("ThreadObject", thread)
    assert_conforms("RunObject", run)


async def test_each_step_reports_the_usage_of_its_model_call(http: httpx2.AsyncClient) -> None:
    assistant_id = await create_quiz_assistant(http)
    thread = (
        await http.post("/v1/threads", json={"messages": [{"role": "user", "content": "Quiz"}]})
    ).json()
    base = f"/v1/threads/{thread['id']}/runs"
    run = (await http.post(base, json={"assistant_id": assistant_id})).json()
    paused = await _until(http, f"{base}/{run['id']}", "requires_action")
    (pending,) = (await http.get(f"{base}/{run['id']}/steps")).json()["data"]
    call = paused["required_action"]["submit_tool_outputs"]["tool_calls"][0]
    outputs = {"tool_outputs": [{"tool_call_id": call["id"], "output": "A"}]}
    await http.post(f"{base}/{run['id']}/submit_tool_outputs", json=outputs)
    done = await _until(http, f"{base}/{run['id']}", "completed")
    steps = (await http.get(f"{base}/{run['id']}/steps?order=asc")).json()["data"]
    assert pending["usage"] is None  # in progress, as the API shows it
    assert [s["type"] for s in steps] == ["tool_calls", "message_creation"]
    usages = [s["usage"] for s in steps]
    assert all(u["total_tokens"] == u["prompt_tokens"] + u["completion_tokens"] > 0 for u in usages)
    assert {
        key: sum(u[key] for u in usages)
        for key in ("prompt_tokens", "completion_tokens", "total_tokens")
    } == done["usage"]
    for step in steps:
        assert_conforms("RunStepObject", step)


@pytest.mark.parametrize(
    "path", ["/v1/assistants", "/v1/threads/{thread}/messages", "/v1/threads/{thread}/runs"]
)
async def test_an_empty_page_has_null_first_and_last_ids_as_the_hosted_api_sent(
    http: httpx2.AsyncClient, path: str
) -> None:
    thread = (await http.post("/v1/threads", json={})).json()
    page = (await http.get(path.format(thread=thread["id"]))).json()
    assert page == {
        "object": "list",
        "data": [],
        "first_id": None,
        "last_id": None,
        "has_more": False,
    }


async def _until(http: httpx2.AsyncClient, url: str, status: str) -> dict[str, Any]:
    for _ in range(500):
        run = (await http.get(url)).json()
        if run["status"] == status:
            return dict(run)
        await asyncio.sleep(0.01)
    raise AssertionError(f"the run never reached {status}")
