"""``/v1/vector_stores`` through the openai SDK (``client.vector_stores``), strictly validated."""

from __future__ import annotations

import asyncio
import os
import shutil
from collections.abc import AsyncIterator

import httpx2
import pytest
from openai import AsyncOpenAI, BadRequestError, InternalServerError, NotFoundError
from starlette.applications import Starlette

from agentkit.server import ServerConfig, create_app, offline_model_factory
from tests.file_search.documents import image_only_pdf
from tests.server.conftest import KEYS, assistants_sdk, sdk_client

REFUNDS = b"# Refunds\n\nItems can be returned within 30 days for a full refund of the price."
SHIPPING = b"Parcels ship within 5 business days to any address in Europe."


@pytest.fixture
async def app(db_path: str) -> AsyncIterator[Starlette]:
    config = ServerConfig(
        model_factory=offline_model_factory,
        db_path=db_path,
        api_keys=KEYS,
        poll_after_ms=20,
        max_file_bytes=1024 * 1024,
    )
    app = create_app(config)
    async with app.router.lifespan_context(app):
        yield app


async def upload(client: AsyncOpenAI, name: str, content: bytes) -> str:
    return (await client.files.create(file=(name, content), purpose="assistants")).id


async def test_create_and_poll_then_search_and_read_the_content(client: AsyncOpenAI) -> None:
    store = await client.vector_stores.create(
        name="handbook",
        metadata={"team": "support"},
        expires_after={"anchor": "last_active_at", "days": 7},
    )
    refunds = await upload(client, "refunds.md", REFUNDS)

    added = await client.vector_stores.files.create_and_poll(
        vector_store_id=store.id, file_id=refunds, attributes={"year": 2024}
    )
    uploaded = await client.vector_stores.files.upload_and_poll(
        vector_store_id=store.id, file=("shipping.txt", SHIPPING)
    )
    ready = await client.vector_stores.retrieve(store.id)
    page = await client.vector_stores.search(store.id, query="return an item for a refund")
    filtered = await client.vector_stores.search(
        store.id,
        query="refund parcels",
        filters={"type": "gte", "key": "year", "value": 2024},
        max_num_results=5,
    )
    content = await client.vector_stores.files.content(refunds, vector_store_id=store.id)

    assert (added.status, added.usage_bytes, added.attributes) == (
        "completed",
        len(REFUNDS),
        {"year": 2024},
    )
    assert (uploaded.status, uploaded.last_error) == ("completed", None)
    assert (ready.status, ready.name, ready.metadata) == (
        "completed",
        "handbook",
        {"team": "support"},
    )
    assert ready.file_counts.model_dump() == {
        "cancelled": 0,
        "completed": 2,
        "failed": 0,
        "in_progress": 0,
        "total": 2,
    }
    assert ready.usage_bytes == len(REFUNDS) + len(SHIPPING)
    assert ready.expires_at == (ready.last_active_at or 0) + 7 * 86_400
    assert page.data[0].filename == "refunds.md" and 0 <= page.data[0].score <= 1
    assert [hit.filename for hit in filtered.data] == ["refunds.md"]
    assert [part.text for part in content.data] == [REFUNDS.decode()]


async def test_list_modify_delete_and_other_projects(app: Starlette, client: AsyncOpenAI) -> None:
    first = await client.vector_stores.create(name="first")
    second = await client.vector_stores.create(name="second")

    listed = await client.vector_stores.list(order="asc", limit=1)
    renamed = await client.vector_stores.update(first.id, name="renamed", expires_after=None)
    gone = await client.vector_stores.delete(second.id)
    async with sdk_client(app, "sk-beta") as other:
        with pytest.raises(NotFoundError, match="No vector store found"):
            await other.vector_stores.retrieve(first.id)
        assert (await other.vector_stores.list()).data == []

    assert [s.id for s in listed.data] == [first.id] and listed.has_more
    assert (renamed.name, renamed.expires_after) == ("renamed", None)
    assert (gone.id, gone.deleted, gone.object) == (second.id, True, "vector_store.deleted")
    with pytest.raises(NotFoundError):
        await client.vector_stores.retrieve(second.id)
    with pytest.raises(NotFoundError):
        await client.vector_stores.delete(second.id)


async def test_bad_files_fail_with_their_reason_and_the_good_one_stays_searchable(
    client: AsyncOpenAI,
) -> None:
    store = await client.vector_stores.create(name="mixed")
    names = {
        "refunds.md": REFUNDS,
        "empty.txt": b"",
        "scan.pdf": image_only_pdf(),
        "junk.txt": os.urandom(8192),
        "photo.png": b"\x89PNG\r\n\x1a\n" + os.urandom(64),
    }
    ids = {name: await upload(client, name, content) for name, content in names.items()}

    batch = await client.vector_stores.file_batches.create_and_poll(
        vector_store_id=store.id, file_ids=list(ids.values())
    )
    failed = await client.vector_stores.files.list(vector_store_id=store.id, filter="failed")
    reasons = {f.id: (f.last_error.code, f.last_error.message) for f in failed.data if f.last_error}
    ready = await client.vector_stores.retrieve(store.id)
    hits = await client.vector_stores.search(store.id, query="refund")

    assert batch.status == "completed"
    assert batch.file_counts.model_dump() == {
        "cancelled": 0,
        "completed": 1,
        "failed": 4,
        "in_progress": 0,
        "total": 5,
    }
    assert reasons[ids["empty.txt"]] == ("invalid_file", "empty.txt is empty (0 bytes).")
    assert "scanned image" in reasons[ids["scan.pdf"]][1]
    assert "junk.txt holds binary data" in reasons[ids["junk.txt"]][1]
    assert reasons[ids["photo.png"]][0] == "unsupported_file"
    assert ready.status == "completed"
    assert [hit.file_id for hit in hits.data] == [ids["refunds.md"]]


async def test_an_upload_over_the_limit_is_refused_and_the_store_is_untouched(
    http: httpx2.AsyncClient, client: AsyncOpenAI
) -> None:
    store = await client.vector_stores.create(name="kept")
    await client.vector_stores.files.create_and_poll(
        vector_store_id=store.id, file_id=await upload(client, "refunds.md", REFUNDS)
    )

    too_big = await http.post(
        "/v1/files",
        files={"file": ("huge.txt", b"a" * (1024 * 1024 + 1))},
        data={"purpose": "assistants"},
    )

    assert too_big.status_code == 413, too_big.text
    assert "1048576" in too_big.json()["error"]["message"]
    assert (await client.vector_stores.retrieve(store.id)).file_counts.total == 1
    assert len((await client.vector_stores.search(store.id, query="refund")).data) == 1


async def test_a_file_deleted_while_it_is_ingested_leaves_nothing_behind(
    client: AsyncOpenAI,
) -> None:
    store = await client.vector_stores.create(name="store")
    kept = await upload(client, "refunds.md", REFUNDS)
    await client.vector_stores.files.create_and_poll(vector_store_id=store.id, file_id=kept)
    removed = await upload(client, "zebras.txt", b"zebra migration notes " * 40_000)
    deleted = await upload(client, "okapis.txt", b"okapi sightings log " * 40_000)

    await client.vector_stores.files.create(vector_store_id=store.id, file_id=removed)
    await client.vector_stores.files.create(vector_store_id=store.id, file_id=deleted)
    gone = await client.vector_stores.files.delete(removed, vector_store_id=store.id)
    await client.files.delete(deleted)  # the Files API: the file leaves every vector store
    await asyncio.sleep(0.3)  # time for an ingestion that was not stopped to write

    listed = await client.vector_stores.files.list(vector_store_id=store.id)
    assert (gone.deleted, gone.object) == (True, "vector_store.file.deleted")
    assert [f.id for f in listed.data] == [kept]
    for query in ("zebra migration", "okapi sightings"):
        assert (await client.vector_stores.search(store.id, query=query)).data == []
    ready = await client.vector_stores.retrieve(store.id)
    assert (ready.status, ready.file_counts.total, ready.usage_bytes) == (
        "completed",
        1,
        len(REFUNDS),
    )
    assert (await client.files.retrieve(removed)).filename == "zebras.txt"


async def test_a_batch_with_per_file_attributes_lists_its_files(client: AsyncOpenAI) -> None:
    store = await client.vector_stores.create(name="batch")
    refunds = await upload(client, "refunds.md", REFUNDS)
    shipping = await upload(client, "shipping.txt", SHIPPING)

    batch = await client.vector_stores.file_batches.create_and_poll(
        vector_store_id=store.id,
        files=[
            {"file_id": refunds, "attributes": {"kind": "policy"}},
            {
                "file_id": shipping,
                "chunking_strategy": {
                    "type": "static",
                    "static": {"max_chunk_size_tokens": 100, "chunk_overlap_tokens": 50},
                },
            },
        ],
    )
    listed = await client.vector_stores.file_batches.list_files(
        batch.id, vector_store_id=store.id, filter="completed"
    )
    cancelled = await client.vector_stores.file_batches.cancel(batch.id, vector_store_id=store.id)
    shipping_record = await client.vector_stores.files.retrieve(shipping, vector_store_id=store.id)

    assert (batch.status, batch.object, batch.file_counts.completed) == (
        "completed",
        "vector_store.files_batch",
        2,
    )
    assert {f.id: f.attributes for f in listed.data} == {refunds: {"kind": "policy"}, shipping: {}}
    assert shipping_record.chunking_strategy is not None
    assert shipping_record.chunking_strategy.model_dump() == {
        "type": "static",
        "static": {"max_chunk_size_tokens": 100, "chunk_overlap_tokens": 50},
    }
    assert cancelled.status == "cancelled" and cancelled.file_counts.completed == 2


@pytest.mark.parametrize(
    ("path", "body", "param", "fragment"),
    [
        ("", {"chunking_strategy": {"type": "static"}}, None, "chunking_strategy.static"),
        ("", {"expires_after": {"anchor": "created_at", "days": 1}}, "expires_after.anchor", ""),
        ("", {"file_ids": ["file-missing"]}, None, "file-missing"),
        ("/files", {"file_id": "file-x", "attributes": {"k": [1]}}, "attributes.k", ""),
        (
            "/search",
            {"query": "x", "filters": {"type": "near", "key": "a", "value": 1}},
            None,
            "filters.type",
        ),
        ("/search", {"query": "x", "max_num_results": 51}, "max_num_results", ""),
        ("/search", {"query": ""}, None, "query must be a non-empty"),
        (
            "/file_batches",
            {"file_ids": ["a"], "files": [{"file_id": "b"}]},
            None,
            "either file_ids or files",
        ),
    ],
)
async def test_malformed_requests_get_a_400_naming_the_problem(
    http: httpx2.AsyncClient, path: str, body: dict[str, object], param: str | None, fragment: str
) -> None:
    store = (await http.post("/v1/vector_stores", json={"name": "s"})).json()
    url = "/v1/vector_stores" + (f"/{store['id']}{path}" if path else "")

    response = await http.post(url, json=body)

    assert response.status_code in (400, 404), response.text
    error = response.json()["error"]
    if param is not None:
        assert (response.status_code, error["param"]) == (400, param)
    assert fragment in error["message"]
    assert len((await http.get("/v1/vector_stores")).json()["data"]) == 1


@assistants_sdk
async def test_unknown_ids_and_filters_are_refused(
    http: httpx2.AsyncClient, client: AsyncOpenAI
) -> None:
    store = await client.vector_stores.create(name="s")
    with pytest.raises(NotFoundError, match="No file found with id 'file-nope'"):
        await client.vector_stores.files.create(vector_store_id=store.id, file_id="file-nope")
    with pytest.raises(NotFoundError):
        await client.vector_stores.search("vs_nope", query="x")
    with pytest.raises(NotFoundError):
        await client.vector_stores.file_batches.retrieve("vsfb_nope", vector_store_id=store.id)
    bad_filter = await http.get(f"/v1/vector_stores/{store.id}/files?filter=done")
    assert bad_filter.status_code == 400
    assert bad_filter.json()["error"]["param"] == "filter"
    with pytest.raises(BadRequestError, match="include"):
        await client.beta.threads.runs.steps.list(
            "run_x",
            thread_id="thread_x",
            include=["step_details.everything"],  # type: ignore[list-item]
        )


async def test_a_store_whose_index_folder_was_removed_is_a_clear_500_not_no_results(
    db_path: str,
) -> None:
    def config() -> ServerConfig:
        return ServerConfig(model_factory=offline_model_factory, db_path=db_path, api_keys=KEYS)

    first = create_app(config())
    async with first.router.lifespan_context(first), sdk_client(first) as sdk:
        store = await sdk.vector_stores.create(name="handbook")
        await sdk.vector_stores.files.upload_and_poll(
            vector_store_id=store.id, file=("refunds.md", REFUNDS)
        )
    shutil.rmtree(f"{db_path}.vector_stores")

    again = create_app(config())
    async with again.router.lifespan_context(again), sdk_client(again) as sdk:
        with pytest.raises(InternalServerError) as caught:
            await sdk.vector_stores.search(store.id, query="refund")
    error = caught.value.body
    assert isinstance(error, dict)
    assert error["code"] == "server_error"
    assert error["message"] == (
        f"Vector store {store.id} cannot be searched: its search index is missing on this "
        "server (the server's log says where it was looked for)."
    )
