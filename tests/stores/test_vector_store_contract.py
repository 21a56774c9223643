"""The `VectorStoreStore` contract, for every store that keeps vector store records."""

from __future__ import annotations

import pytest

from agentkit.exceptions import NotFoundError
from agentkit.stores import AssistantsStore, VectorStoreStore
from agentkit.stores.vector_stores import (
    FileCounts,
    VectorStore,
    VectorStoreFile,
    VectorStoreFileBatch,
    VectorStoreFileError,
)


def vector_stores(store: AssistantsStore) -> VectorStoreStore:
    assert isinstance(store, VectorStoreStore), f"{type(store).__name__} keeps no vector stores"
    return store


async def new_store(store: VectorStoreStore, name: str = "docs") -> VectorStore:
    made = VectorStore(name=name)
    await store.save_vector_store(made)
    return made


def vs_file(store_id: str, file_id: str, **fields: object) -> VectorStoreFile:
    return VectorStoreFile.model_validate({"id": file_id, "vector_store_id": store_id, **fields})


async def test_a_vector_store_reads_back_equal_and_saving_again_replaces_it(
    store: AssistantsStore,
) -> None:
    records = vector_stores(store)
    made = await new_store(records)
    assert await records.get_vector_store(made.id) == made
    renamed = made.model_copy(update={"name": "renamed", "metadata": {"k": "v"}})
    await records.save_vector_store(renamed)
    assert await records.get_vector_store(made.id) == renamed
    assert [vs.id for vs in await records.list_vector_stores()] == [made.id]


async def test_vector_stores_list_newest_first_and_page(store: AssistantsStore) -> None:
    records = vector_stores(store)
    made = [await new_store(records, name) for name in ("a", "b", "c")]
    assert [vs.name for vs in await records.list_vector_stores()] == ["c", "b", "a"]
    assert [vs.name for vs in await records.list_vector_stores(order="asc", limit=2)] == ["a", "b"]
    assert [vs.name for vs in await records.list_vector_stores(after=made[2].id)] == ["b", "a"]
    assert [vs.name for vs in await records.list_vector_stores(before=made[0].id)] == ["c", "b"]


async def test_deleting_a_vector_store_deletes_its_files_and_batches(
    store: AssistantsStore,
) -> None:
    records = vector_stores(store)
    doomed, kept = await new_store(records), await new_store(records)
    batch = VectorStoreFileBatch(vector_store_id=doomed.id)
    await records.save_file_batch(batch)
    await records.put_vector_store_file(vs_file(doomed.id, "file-a", batch_id=batch.id))
    await records.put_vector_store_file(vs_file(kept.id, "file-a"))

    await records.delete_vector_store(doomed.id)

    with pytest.raises(NotFoundError):
        await records.get_vector_store(doomed.id)
    with pytest.raises(NotFoundError):
        await records.get_file_batch(doomed.id, batch.id)
    with pytest.raises(NotFoundError):
        await records.delete_vector_store(doomed.id)
    assert [f.vector_store_id for f in await records.list_vector_store_files(None)] == [kept.id]


async def test_a_file_needs_its_vector_store_and_putting_it_again_replaces_it(
    store: AssistantsStore,
) -> None:
    records = vector_stores(store)
    made = await new_store(records)
    with pytest.raises(NotFoundError):
        await records.put_vector_store_file(vs_file("vs_missing", "file-a"))
    await records.put_vector_store_file(vs_file(made.id, "file-a", status="failed"))
    await records.put_vector_store_file(vs_file(made.id, "file-a", attributes={"x": 1.0}))

    (only,) = await records.list_vector_store_files(made.id)
    assert (only.status, only.attributes) == ("in_progress", {"x": 1.0})


async def test_an_update_is_a_compare_and_set_on_the_status(store: AssistantsStore) -> None:
    records = vector_stores(store)
    made = await new_store(records)
    await records.put_vector_store_file(vs_file(made.id, "file-a"))
    cancelled = vs_file(made.id, "file-a", status="cancelled")
    completed = vs_file(made.id, "file-a", status="completed", usage_bytes=10)

    assert await records.update_vector_store_file(cancelled, expected_status="in_progress")
    assert not await records.update_vector_store_file(completed, expected_status="in_progress")
    assert (await records.get_vector_store_file(made.id, "file-a")).status == "cancelled"
    assert await records.update_vector_store_file(completed)
    await records.delete_vector_store_file(made.id, "file-a")
    assert not await records.update_vector_store_file(completed)


async def test_files_filter_by_status_batch_and_file_id_and_page(store: AssistantsStore) -> None:
    records = vector_stores(store)
    first, second = await new_store(records), await new_store(records)
    error = VectorStoreFileError(code="invalid_file", message="empty")
    await records.put_vector_store_file(vs_file(first.id, "file-a", status="completed"))
    await records.put_vector_store_file(vs_file(first.id, "file-b", batch_id="vsfb_1"))
    await records.put_vector_store_file(
        vs_file(first.id, "file-c", status="failed", last_error=error)
    )
    await records.put_vector_store_file(vs_file(second.id, "file-b"))

    def names(files: list[VectorStoreFile]) -> list[str]:
        return [f"{f.vector_store_id == first.id and 1 or 2}:{f.id}" for f in files]

    assert names(await records.list_vector_store_files(first.id)) == [
        "1:file-c",
        "1:file-b",
        "1:file-a",
    ]
    assert names(await records.list_vector_store_files(first.id, order="asc", after="file-a")) == [
        "1:file-b",
        "1:file-c",
    ]
    assert names(await records.list_vector_store_files(None, status="in_progress")) == [
        "2:file-b",
        "1:file-b",
    ]
    assert names(await records.list_vector_store_files(first.id, batch_id="vsfb_1")) == ["1:file-b"]
    assert names(await records.list_vector_store_files(None, file_id="file-b", order="asc")) == [
        "1:file-b",
        "2:file-b",
    ]
    failed = await records.get_vector_store_file(first.id, "file-c")
    assert failed.last_error == error
    with pytest.raises(NotFoundError):
        await records.list_vector_store_files("vs_missing")


async def test_totals_count_files_by_status_and_add_up_their_bytes(
    store: AssistantsStore,
) -> None:
    records = vector_stores(store)
    made = await new_store(records)
    await records.put_vector_store_file(
        vs_file(made.id, "file-a", status="completed", usage_bytes=100, batch_id="vsfb_1")
    )
    await records.put_vector_store_file(
        vs_file(made.id, "file-b", status="completed", usage_bytes=20)
    )
    await records.put_vector_store_file(vs_file(made.id, "file-c", batch_id="vsfb_1"))

    totals = await records.file_totals(made.id)
    in_batch = await records.file_totals(made.id, batch_id="vsfb_1")

    assert totals.counts == FileCounts(in_progress=1, completed=2, total=3)
    assert totals.usage_bytes == 120
    assert in_batch.counts == FileCounts(in_progress=1, completed=1, total=2)


async def test_batches_read_back_and_belong_to_their_vector_store(store: AssistantsStore) -> None:
    records = vector_stores(store)
    made, other = await new_store(records), await new_store(records)
    batch = VectorStoreFileBatch(vector_store_id=made.id)
    await records.save_file_batch(batch)
    await records.save_file_batch(batch.model_copy(update={"status": "cancelled"}))

    assert (await records.get_file_batch(made.id, batch.id)).status == "cancelled"
    with pytest.raises(NotFoundError):
        await records.get_file_batch(other.id, batch.id)
    with pytest.raises(NotFoundError):
        await records.save_file_batch(VectorStoreFileBatch(vector_store_id="vs_missing"))


async def test_another_project_sees_none_of_it(store: AssistantsStore) -> None:
    records = vector_stores(store)
    made = await new_store(records)
    await records.put_vector_store_file(vs_file(made.id, "file-a"))
    other = vector_stores(store.scoped("other"))

    assert await other.list_vector_stores() == []
    assert await other.list_vector_store_files(None) == []
    with pytest.raises(NotFoundError):
        await other.get_vector_store(made.id)
    with pytest.raises(NotFoundError):
        await other.get_vector_store_file(made.id, "file-a")
    with pytest.raises(NotFoundError):
        await other.put_vector_store_file(vs_file(made.id, "file-b"))
    with pytest.raises(NotFoundError):
        await other.save_vector_store(made)
    with pytest.raises(NotFoundError):
        await other.delete_vector_store(made.id)
    assert await records.get_vector_store(made.id) == made
