"""`VectorStores`: the vector store API for library use, over real stores, files and indexes."""

from __future__ import annotations

import asyncio
import os
import shutil
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from agentkit.exceptions import NotFoundError, UserError
from agentkit.file_search import (
    EmbeddingsClient,
    IndexMissingError,
    SearchRequest,
    VectorStoreExpiredError,
    VectorStores,
    stdlib_driver,
)
from agentkit.file_search.ingestion import IngestResult
from agentkit.file_search.ingestion_queue import IngestionQueue, IngestJob
from agentkit.files import Files
from agentkit.records import now
from agentkit.stores import MemoryStore, SQLiteStore
from agentkit.stores.vector_stores import FileCounts, VectorStore, VectorStoreFile
from tests.file_search.documents import image_only_pdf

REFUNDS = b"# Refunds\n\nItems can be returned within 30 days for a full refund of the price."
SHIPPING = b"<html><body><p>Parcels ship within 5 business days to Europe.</p></body></html>"


@pytest.fixture
async def files() -> AsyncIterator[Files]:
    store = MemoryStore()
    made = Files(store)
    yield made
    await made.aclose()


@pytest.fixture
async def stores(files: Files) -> AsyncIterator[VectorStores]:
    made = VectorStores(files, driver=stdlib_driver())
    yield made
    await made.aclose()


async def filled(stores: VectorStores, files: Files, **options: Any) -> VectorStore:
    refunds = await files.add(REFUNDS, filename="refunds.md")
    shipping = await files.add(SHIPPING, filename="shipping.html")
    made = await stores.create(name="handbook", file_ids=[refunds.id, shipping.id], **options)
    await stores.wait(made.id)
    return made


async def test_a_new_store_ingests_its_files_in_the_background_and_counts_them(
    stores: VectorStores, files: Files
) -> None:
    refunds = await files.add(REFUNDS, filename="refunds.md")
    made = await stores.create(name="handbook", file_ids=[refunds.id], metadata={"team": "x"})
    assert (made.status, made.file_counts.in_progress, made.usage_bytes) == ("in_progress", 1, 0)

    await stores.wait(made.id)
    ready = await stores.get(made.id)

    assert ready.status == "completed"
    assert ready.file_counts == FileCounts(completed=1, total=1)
    assert ready.usage_bytes == len(REFUNDS)  # full text only: the chunk's text
    assert (ready.name, ready.metadata) == ("handbook", {"team": "x"})
    (record,) = await stores.files.list(made.id)
    assert (record.status, record.usage_bytes, record.last_error) == (
        "completed",
        len(REFUNDS),
        None,
    )
    assert record.chunking_strategy == {
        "type": "static",
        "static": {"max_chunk_size_tokens": 800, "chunk_overlap_tokens": 400},
    }


async def test_search_finds_the_answering_file(stores: VectorStores, files: Files) -> None:
    made = await filled(stores, files)

    hits = await stores.search(made.id, "how many days to return an item for a refund?")

    assert hits[0].filename == "refunds.md"
    assert "30 days" in hits[0].text
    assert (await stores.get(made.id)).last_active_at is not None


async def test_a_bad_file_fails_with_its_reason_and_the_store_still_completes(
    stores: VectorStores, files: Files
) -> None:
    good = await files.add(REFUNDS, filename="refunds.md")
    empty = await files.add(b"", filename="empty.txt")
    scan = await files.add(image_only_pdf(), filename="scan.pdf")
    junk = await files.add(os.urandom(4096), filename="notes.txt")
    made = await stores.create(file_ids=[good.id, empty.id, scan.id, junk.id])
    await stores.wait(made.id)

    ready = await stores.get(made.id)
    failures = {
        record.id: (record.status, record.last_error and record.last_error.code)
        for record in await stores.files.list(made.id, status="failed")
    }
    messages = {
        record.id: record.last_error.message
        for record in await stores.files.list(made.id, status="failed")
        if record.last_error
    }

    assert ready.status == "completed"
    assert ready.file_counts == FileCounts(completed=1, failed=3, total=4)
    assert failures == {i: ("failed", "invalid_file") for i in (empty.id, scan.id, junk.id)}
    assert "empty.txt is empty (0 bytes)" in messages[empty.id]
    assert "scanned image" in messages[scan.id]
    assert "notes.txt holds binary data" in messages[junk.id]
    assert [hit.filename for hit in await stores.search(made.id, "refund")] == ["refunds.md"]


async def test_a_500_mb_file_fails_at_once_and_loses_nothing_else(
    stores: VectorStores, files: Files
) -> None:
    made = await filled(stores, files)
    huge = await files.add(b"x", filename="huge.txt")
    # The bytes become a sparse 500 MB file, as an upload of that size would leave them.
    with (await files.local_path(huge.id)).open("r+b") as out:
        out.truncate(500 * 1024 * 1024)

    record = await stores.files.add(made.id, huge.id)
    done = await stores.files.wait(made.id, record.id)

    assert done.status == "failed" and done.last_error is not None
    assert "huge.txt holds binary data" in done.last_error.message
    assert (await stores.get(made.id)).file_counts == FileCounts(completed=2, failed=1, total=3)
    assert (await stores.search(made.id, "refund"))[0].filename == "refunds.md"


async def test_a_file_removed_while_it_is_ingested_leaves_nothing_behind(
    stores: VectorStores, files: Files
) -> None:
    made = await filled(stores, files)
    big = await files.add(b"zebra migration notes " * 200_000, filename="zebras.txt")

    await stores.files.add(made.id, big.id)
    await stores.files.delete(made.id, big.id)
    await asyncio.sleep(0.2)  # had the ingestion gone on, it would have written by now

    assert [f.id for f in await stores.files.list(made.id)] != [] and big.id not in [
        f.id for f in await stores.files.list(made.id)
    ]
    assert await stores.search(made.id, "zebra migration") == []
    assert (await stores.get(made.id)).file_counts == FileCounts(completed=2, total=2)
    assert (await files.get(big.id)).filename == "zebras.txt"  # still in the Files API
    with pytest.raises(NotFoundError):
        await stores.files.delete(made.id, big.id)


async def test_forgetting_a_file_removes_it_from_every_store(
    stores: VectorStores, files: Files
) -> None:
    first = await filled(stores, files)
    (refunds,) = [f for f in await stores.files.list(first.id) if f.usage_bytes == len(REFUNDS)]
    second = await stores.create(file_ids=[refunds.id])
    await stores.wait(second.id)

    assert await stores.files.forget(refunds.id) == 2

    for made in (first, second):
        assert refunds.id not in [f.id for f in await stores.files.list(made.id)]
        assert await stores.search(made.id, "refund") == []


async def test_adding_a_file_again_reingests_it_with_its_new_chunking_and_attributes(
    stores: VectorStores, files: Files
) -> None:
    long_text = b"alpha beta " * 1500  # about 3,000 tokens
    doc = await files.add(long_text, filename="long.txt")
    made = await stores.create(file_ids=[doc.id])
    await stores.files.wait(made.id, doc.id)
    first = await stores.search(made.id, "alpha", max_num_results=50)

    static = {"type": "static", "static": {"max_chunk_size_tokens": 100, "chunk_overlap_tokens": 0}}
    await stores.files.add(made.id, doc.id, chunking_strategy=static, attributes={"v": 2})
    again = await stores.files.wait(made.id, doc.id)
    second = await stores.search(
        made.id,
        SearchRequest("alpha", max_num_results=50, filters={"type": "eq", "key": "v", "value": 2}),
    )

    assert again.chunking_strategy == static and again.attributes == {"v": 2}
    assert len(first) == 7  # 800-token chunks overlapping by 400
    assert len(second) == 30  # 100-token chunks, the old ones replaced
    assert all(hit.token_end - hit.token_start <= 100 for hit in second)
    assert (await stores.get(made.id)).file_counts == FileCounts(completed=1, total=1)


async def test_attributes_change_what_filters_find(stores: VectorStores, files: Files) -> None:
    made = await filled(stores, files)
    (refunds,) = [f for f in await stores.files.list(made.id) if f.usage_bytes == len(REFUNDS)]
    only_finance = {"type": "eq", "key": "team", "value": "finance"}

    assert await stores.search(made.id, SearchRequest("refund", filters=only_finance)) == []
    await stores.files.update(made.id, refunds.id, attributes={"team": "finance"})
    hits = await stores.search(made.id, SearchRequest("refund", filters=only_finance))

    assert [hit.attributes for hit in hits] == [{"team": "finance"}]
    with pytest.raises(UserError, match="attributes"):
        await stores.files.update(made.id, refunds.id, attributes={"k" * 65: "v"})


async def test_the_content_of_a_file_is_its_text_as_search_read_it(
    stores: VectorStores, files: Files
) -> None:
    made = await filled(stores, files)
    (shipping,) = [f for f in await stores.files.list(made.id) if f.usage_bytes != len(REFUNDS)]

    text = "".join(await stores.files.content(made.id, shipping.id))

    assert "Parcels ship within 5 business days to Europe." in text
    assert "<p>" not in text


async def test_bad_arguments_are_refused_before_anything_is_stored(
    stores: VectorStores, files: Files
) -> None:
    doc = await files.add(REFUNDS, filename="refunds.md")
    bad_chunking = {
        "type": "static",
        "static": {"max_chunk_size_tokens": 50, "chunk_overlap_tokens": 0},
    }
    with pytest.raises(NotFoundError, match="file-missing"):
        await stores.create(file_ids=[doc.id, "file-missing"])
    with pytest.raises(UserError, match="max_chunk_size_tokens"):
        await stores.create(file_ids=[doc.id], chunking_strategy=bad_chunking)
    with pytest.raises(UserError, match="expires_after.days"):
        await stores.create(expires_after={"anchor": "last_active_at", "days": 0})
    with pytest.raises(UserError, match="metadata"):
        await stores.create(metadata={str(i): "v" for i in range(17)})
    assert await stores.list() == []


async def test_list_update_and_delete(stores: VectorStores, files: Files) -> None:
    first, second = await stores.create(name="a"), await stores.create(name="b")

    renamed = await stores.update(
        first.id, name="a2", expires_after={"anchor": "last_active_at", "days": 2}
    )
    cleared = await stores.update(first.id, clear_expiry=True)
    await stores.delete(second.id)

    assert renamed.expires_at == (renamed.last_active_at or 0) + 2 * 86_400
    assert (cleared.name, cleared.expires_after, cleared.expires_at) == ("a2", None, None)
    assert [store.id for store in await stores.list()] == [first.id]
    assert not (stores.directory / f"{second.id}.sqlite3").exists()
    with pytest.raises(NotFoundError):
        await stores.get(second.id)
    with pytest.raises(NotFoundError):
        await stores.search(second.id, "anything")


async def test_an_expired_store_says_so_and_cannot_be_searched(
    stores: VectorStores, files: Files
) -> None:
    made = await filled(stores, files, expires_after={"anchor": "last_active_at", "days": 1})
    # A day and more without use, as the store would be after it.
    stale = (await stores.records.get_vector_store(made.id)).model_copy(
        update={"last_active_at": now() - 90_000, "expires_at": now() - 3_600}
    )
    await stores.records.save_vector_store(stale)

    assert (await stores.get(made.id)).status == "expired"
    with pytest.raises(VectorStoreExpiredError, match="expired"):
        await stores.search(made.id, "refund")


async def test_a_cancelled_batch_stops_its_queued_files(files: Files) -> None:
    stores = VectorStores(files, concurrency=1, driver=stdlib_driver())
    try:
        made = await stores.create()
        ids = [
            (await files.add(b"alpha beta " * 50_000 + str(n).encode(), filename=f"{n}.txt")).id
            for n in range(4)
        ]
        batch = await stores.file_batches.create(made.id, ids, attributes={"batch": True})
        cancelled = await stores.file_batches.cancel(made.id, batch.id)
        await stores.wait(made.id)
        final = await stores.file_batches.get(made.id, batch.id)
        cancelled_files = await stores.file_batches.list_files(
            made.id, batch.id, status="cancelled"
        )
        hits = await stores.search(made.id, SearchRequest("alpha", max_num_results=50))
    finally:
        await stores.aclose()

    assert cancelled.status == final.status == "cancelled"
    counts = final.file_counts
    assert counts.in_progress == 0 and counts.cancelled >= 3 and counts.total == 4
    assert counts.cancelled + counts.completed == 4
    assert len(cancelled_files) == counts.cancelled
    assert {hit.file_id for hit in hits} <= set(ids) - {f.id for f in cancelled_files}


async def test_a_batch_counts_its_files_and_takes_per_file_attributes(
    stores: VectorStores, files: Files
) -> None:
    made = await stores.create()
    good = await files.add(REFUNDS, filename="refunds.md")
    bad = await files.add(b"", filename="empty.txt")
    batch = await stores.file_batches.create(
        made.id,
        files=[{"file_id": good.id, "attributes": {"kind": "policy"}}, {"file_id": bad.id}],
    )
    done = await stores.file_batches.wait(made.id, batch.id)

    assert done.status == "completed"
    assert done.file_counts == FileCounts(completed=1, failed=1, total=2)
    assert (await stores.files.get(made.id, good.id)).attributes == {"kind": "policy"}
    with pytest.raises(UserError, match="either file_ids or files"):
        await stores.file_batches.create(made.id, [good.id], files=[{"file_id": good.id}])
    with pytest.raises(NotFoundError):
        await stores.file_batches.create(made.id, ["file-missing"])


async def test_files_a_previous_process_left_in_progress_are_ingested_again(
    tmp_path: Path,
) -> None:
    async with SQLiteStore(tmp_path / "agentkit.db") as store:
        files = Files(store)
        doc = await files.add(REFUNDS, filename="refunds.md")
        made = VectorStore(name="left")
        await store.save_vector_store(made)
        # What a process that died mid-ingestion leaves: the record says in_progress.
        await store.put_vector_store_file(VectorStoreFile(id=doc.id, vector_store_id=made.id))

        stores = VectorStores(files, driver=stdlib_driver())
        try:
            assert await stores.resume() == 1
            assert await stores.resume() == 0  # already going
            await stores.wait(made.id)
            record = await stores.files.get(made.id, doc.id)
            hits = await stores.search(made.id, "refund")
        finally:
            await stores.aclose()

    assert record.status == "completed"
    assert [hit.file_id for hit in hits] == [doc.id]
    assert stores.directory == tmp_path / "agentkit.db.vector_stores"


async def test_a_removed_index_folder_is_an_error_not_an_empty_answer(tmp_path: Path) -> None:
    async with SQLiteStore(tmp_path / "agentkit.db") as store:
        files = Files(store)
        stores = VectorStores(files, driver=stdlib_driver())
        try:
            made = await filled(stores, files)
        finally:
            await stores.aclose()
        shutil.rmtree(tmp_path / "agentkit.db.vector_stores")

        again = VectorStores(files, driver=stdlib_driver())
        try:
            with pytest.raises(IndexMissingError, match=f"{made.id} has 2 ingested file"):
                await again.search(made.id, "refund")
        finally:
            await again.aclose()
            await files.aclose()


async def test_no_more_files_than_the_concurrency_are_ingested_at_once(files: Files) -> None:
    stores = VectorStores(files, driver=stdlib_driver())
    queue = IngestionQueue(stores._context.pool, concurrency=2)
    running, most = 0, 0

    async def ingest(job: IngestJob) -> IngestResult:
        nonlocal running, most
        running += 1
        most = max(most, running)
        await asyncio.sleep(0.02)
        running -= 1
        return IngestResult(job.record.id, "completed")

    queue._ingest = ingest  # type: ignore[method-assign]
    made = await stores.create()
    for n in range(6):
        doc = await files.add(REFUNDS, filename=f"{n}.md")
        record = VectorStoreFile(id=doc.id, vector_store_id=made.id)
        await stores.records.put_vector_store_file(record)
        queue.submit(IngestJob(record, stores.records, files))
    await queue.wait(made.id)
    await stores.aclose()

    assert most == 2
    assert (await stores.records.file_totals(made.id)).counts == FileCounts(completed=6, total=6)


async def test_hybrid_search_finds_a_paraphrase_full_text_cannot(
    files: Files, embeddings: EmbeddingsClient
) -> None:
    lexical = VectorStores(files, driver=stdlib_driver())
    hybrid = VectorStores(files, embeddings=embeddings, driver=stdlib_driver())
    try:
        plain, embedded = await filled(lexical, files), await filled(hybrid, files)
        question = "how do I get my money back?"
        assert await lexical.search(plain.id, question) == []
        hits = await hybrid.search(embedded.id, question)
        usage = (await hybrid.get(embedded.id)).usage_bytes
    finally:
        await lexical.aclose()
        await hybrid.aclose()

    assert hits[0].filename == "refunds.md"
    assert usage > 2 * 256 * 4  # two chunks' text and their 256-float vectors
