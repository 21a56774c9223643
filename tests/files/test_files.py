"""`Files`: bytes in one directory under generated ids, metadata in the store."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from agentkit.exceptions import FileTooLargeError, NotFoundError, UserError
from agentkit.files import Files
from agentkit.stores import MemoryStore, SQLiteStore


async def test_bytes_live_beside_the_database_under_the_files_id(tmp_path: Path) -> None:
    async with SQLiteStore(tmp_path / "agentkit.db") as store:
        files = Files(store)
        added = await files.add(b"month,total\n1,10\n", filename="sales.csv")
        assert files.directory == tmp_path / "agentkit.db.files"
        assert os.listdir(files.directory) == [added.id]
        assert (added.bytes, added.filename, added.purpose) == (17, "sales.csv", "assistants")
        assert await files.read(added.id) == b"month,total\n1,10\n"
        assert await files.get(added.id) == added


async def test_a_name_with_directories_is_only_metadata(tmp_path: Path) -> None:
    files = Files(MemoryStore(), tmp_path / "files")
    added = await files.add(b"x", filename="../../outside.txt")
    assert added.filename == "../../outside.txt"
    assert os.listdir(tmp_path) == ["files"]
    assert os.listdir(tmp_path / "files") == [added.id]


async def test_deleting_a_file_removes_its_bytes(tmp_path: Path) -> None:
    files = Files(MemoryStore(), tmp_path)
    added = await files.add(b"secret", filename="a.txt")
    await files.delete(added.id)
    assert os.listdir(tmp_path) == []
    with pytest.raises(NotFoundError):
        await files.read(added.id)


async def test_past_the_size_limit_nothing_is_kept(tmp_path: Path) -> None:
    files = Files(MemoryStore(), tmp_path, max_bytes=10)
    with pytest.raises(FileTooLargeError, match="limit of 10 bytes"):
        await files.add(b"x" * 11, filename="big.bin")
    assert os.listdir(tmp_path) == []
    assert await files.list() == []


async def test_an_upload_left_without_commit_leaves_nothing(tmp_path: Path) -> None:
    files = Files(MemoryStore(), tmp_path)
    async with files.upload() as upload:
        await upload.write(b"partial")
        assert len(os.listdir(tmp_path)) == 1
    assert os.listdir(tmp_path) == []


@pytest.mark.parametrize("name", ["", "a\nb", "x" * 513])
async def test_unusable_filenames_are_refused_and_nothing_is_kept(
    tmp_path: Path, name: str
) -> None:
    files = Files(MemoryStore(), tmp_path)
    with pytest.raises(UserError, match="Invalid file filename"):
        await files.add(b"x", filename=name)
    assert os.listdir(tmp_path) == []


async def test_ids_that_agentkit_did_not_make_never_reach_the_disk(tmp_path: Path) -> None:
    store = MemoryStore()
    files = Files(store, tmp_path / "files")
    (tmp_path / "passwd").write_text("root")
    for file_id in ("../passwd", "/etc/passwd", "file-../../passwd"):
        with pytest.raises(NotFoundError):
            await files.read(file_id)


async def test_projects_see_only_their_own_files(tmp_path: Path) -> None:
    store = MemoryStore()
    root = Files(store, tmp_path)
    mine, theirs = root.scoped(store.scoped("mine")), root.scoped(store.scoped("theirs"))
    added = await mine.add(b"x", filename="a.txt")
    assert await theirs.list() == []
    with pytest.raises(NotFoundError):
        await theirs.read(added.id)
    with pytest.raises(NotFoundError):
        await theirs.delete(added.id)
    assert await mine.read(added.id) == b"x"


async def test_a_memory_stores_files_live_in_a_temporary_directory_until_closed() -> None:
    files = Files(MemoryStore())
    await files.add(b"x", filename="a.txt")
    assert files.directory.is_dir()
    await files.aclose()
    assert not files.directory.exists()
