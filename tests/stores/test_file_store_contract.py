"""The `FileStore` contract, for every store that keeps file metadata."""

from __future__ import annotations

import pytest

from agentkit.exceptions import NotFoundError, UserError
from agentkit.records import FileObject
from agentkit.stores import AssistantsStore, FileStore


def file_store(store: AssistantsStore) -> FileStore:
    assert isinstance(store, FileStore)
    return store


def new_file(purpose: str = "assistants", name: str = "a.csv") -> FileObject:
    return FileObject(bytes=3, filename=name, purpose=purpose)


async def test_a_saved_file_reads_back_equal(store: AssistantsStore) -> None:
    files = file_store(store)
    saved = new_file()
    await files.save_file(saved)
    assert await files.get_file(saved.id) == saved


async def test_saving_an_existing_id_is_refused(store: AssistantsStore) -> None:
    files = file_store(store)
    saved = new_file()
    await files.save_file(saved)
    with pytest.raises(UserError, match="already exists"):
        await files.save_file(saved)


async def test_listing_filters_by_purpose_and_pages_newest_first(store: AssistantsStore) -> None:
    files = file_store(store)
    made = [new_file(purpose) for purpose in ("assistants", "user_data", "assistants")]
    for file in made:
        await files.save_file(file)
    assert [f.id for f in await files.list_files()] == [f.id for f in reversed(made)]
    assert [f.id for f in await files.list_files(purpose="assistants", order="asc")] == [
        made[0].id,
        made[2].id,
    ]
    assert [f.id for f in await files.list_files(after=made[2].id, limit=1)] == [made[1].id]


async def test_deleting_a_file_removes_it_and_a_second_delete_is_not_found(
    store: AssistantsStore,
) -> None:
    files = file_store(store)
    saved = new_file()
    await files.save_file(saved)
    await files.delete_file(saved.id)
    with pytest.raises(NotFoundError):
        await files.get_file(saved.id)
    with pytest.raises(NotFoundError):
        await files.delete_file(saved.id)


async def test_another_projects_files_are_not_found_nor_listed(store: AssistantsStore) -> None:
    mine, theirs = file_store(store.scoped("mine")), file_store(store.scoped("theirs"))
    saved = new_file()
    await mine.save_file(saved)
    assert await theirs.list_files() == []
    with pytest.raises(NotFoundError):
        await theirs.get_file(saved.id)
    with pytest.raises(NotFoundError):
        await theirs.delete_file(saved.id)
    assert await mine.get_file(saved.id) == saved
