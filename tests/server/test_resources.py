"""Assistants, threads and messages: CRUD and cursor paging as the API defines them."""

from __future__ import annotations

import httpx2

from tests.server.conftest import QUIZ_TOOL


async def test_assistant_create_echoes_the_api_shape_with_defaults(
    http: httpx2.AsyncClient,
) -> None:
    body = await http.post(
        "/v1/assistants",
        json={"model": "gpt-4o", "name": "Math Tutor", "tools": [{"type": "code_interpreter"}]},
    )
    assistant = body.json()
    assert assistant == {
        "id": assistant["id"],
        "object": "assistant",
        "created_at": assistant["created_at"],
        "name": "Math Tutor",
        "description": None,
        "model": "gpt-4o",
        "instructions": None,
        "tools": [{"type": "code_interpreter"}],
        "tool_resources": {"code_interpreter": {"file_ids": []}},
        "metadata": {},
        "temperature": 1.0,
        "top_p": 1.0,
        "response_format": "auto",
    }
    assert assistant["id"].startswith("asst_")


async def test_assistant_modify_changes_only_the_given_fields_and_delete_removes_it(
    http: httpx2.AsyncClient,
) -> None:
    created = (
        await http.post("/v1/assistants", json={"model": "gpt-4o", "instructions": "Be kind."})
    ).json()
    url = f"/v1/assistants/{created['id']}"
    modified = (await http.post(url, json={"tools": [QUIZ_TOOL], "name": "Tutor"})).json()
    deleted = (await http.delete(url)).json()
    gone = await http.get(url)
    assert (modified["instructions"], modified["name"], modified["tools"]) == (
        "Be kind.",
        "Tutor",
        [QUIZ_TOOL],
    )
    assert deleted == {"id": created["id"], "object": "assistant.deleted", "deleted": True}
    assert gone.status_code == 404
    assert gone.json()["error"]["message"] == f"No assistant found with id '{created['id']}'."


async def test_thread_create_with_messages_modify_and_delete(http: httpx2.AsyncClient) -> None:
    thread = (
        await http.post(
            "/v1/threads",
            json={
                "messages": [
                    {"role": "user", "content": "one"},
                    {"role": "assistant", "content": [{"type": "text", "text": "two"}]},
                ],
                "metadata": {"a": "b"},
            },
        )
    ).json()
    url = f"/v1/threads/{thread['id']}"
    modified = (await http.post(url, json={"metadata": {"c": "d"}})).json()
    messages = (await http.get(url + "/messages?order=asc")).json()
    deleted = (await http.delete(url)).json()
    assert (thread["object"], thread["metadata"], modified["metadata"]) == (
        "thread",
        {"a": "b"},
        {"c": "d"},
    )
    assert [(m["role"], m["content"][0]["text"]["value"]) for m in messages["data"]] == [
        ("user", "one"),
        ("assistant", "two"),
    ]
    assert deleted == {"id": thread["id"], "object": "thread.deleted", "deleted": True}
    assert (await http.get(url)).status_code == 404


async def test_messages_page_with_order_after_before_and_limit(http: httpx2.AsyncClient) -> None:
    thread = (await http.post("/v1/threads", json={})).json()
    url = f"/v1/threads/{thread['id']}/messages"
    ids = [
        (await http.post(url, json={"role": "user", "content": str(i)})).json()["id"]
        for i in range(5)
    ]

    async def page(query: str) -> tuple[list[str], bool]:
        body = (await http.get(f"{url}?{query}")).json()
        return [m["id"] for m in body["data"]], body["has_more"]

    assert await page("limit=2") == ([ids[4], ids[3]], True)
    assert await page("order=asc&limit=2") == ([ids[0], ids[1]], True)
    assert await page(f"order=asc&after={ids[1]}") == (ids[2:], False)
    assert await page(f"after={ids[3]}") == ([ids[2], ids[1], ids[0]], False)
    assert await page(f"order=asc&before={ids[2]}") == (ids[:2], False)
    assert await page(f"order=asc&after={ids[4]}") == ([], False)


async def test_message_retrieve_modify_delete_and_wrong_thread_is_404(
    http: httpx2.AsyncClient,
) -> None:
    thread = (await http.post("/v1/threads", json={})).json()
    other = (await http.post("/v1/threads", json={})).json()
    url = f"/v1/threads/{thread['id']}/messages"
    message = (await http.post(url, json={"role": "user", "content": "hi"})).json()
    modified = (await http.post(f"{url}/{message['id']}", json={"metadata": {"k": "v"}})).json()
    elsewhere = await http.get(f"/v1/threads/{other['id']}/messages/{message['id']}")
    deleted = (await http.delete(f"{url}/{message['id']}")).json()
    assert modified["metadata"] == {"k": "v"}
    assert elsewhere.status_code == 404
    assert deleted == {"id": message["id"], "object": "thread.message.deleted", "deleted": True}
    assert (await http.get(f"{url}/{message['id']}")).status_code == 404
