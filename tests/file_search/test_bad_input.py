"""The issue's bad inputs: each ends in a clear status or error, and nothing else is lost."""

from __future__ import annotations

import asyncio
import os
import tracemalloc
from pathlib import Path

import pytest

from agentkit.file_search import (
    IndexDeletedError,
    Ingestor,
    IngestResult,
    SearchRequest,
    SqliteIndex,
    search,
    stdlib_driver,
)
from tests.file_search.documents import image_only_pdf

HALF_GIGABYTE = 500 * 1024 * 1024
# What fails here is the file, not the index: one SQLite driver is enough (the index tests
# run on both).
pytestmark = pytest.mark.parametrize("driver", [stdlib_driver()], ids=["numpy-scan"])


@pytest.fixture
async def ingestor(index: SqliteIndex) -> Ingestor:
    ingestor = Ingestor(index)
    kept = await ingestor.ingest("file-kept", "kept.txt", b"the kept file mentions zebras")
    assert kept.status == "completed"
    return ingestor


async def assert_nothing_else_lost(index: SqliteIndex) -> None:
    hits = await search(index, SearchRequest("zebras"))
    assert [hit.file_id for hit in hits] == ["file-kept"]


def failed_with(result: IngestResult, code: str, fragment: str) -> None:
    assert result.status == "failed" and result.last_error is not None
    assert (result.last_error.code, fragment in result.last_error.message) == (code, True), (
        result.last_error.message
    )


def sparse_file(path: Path, size: int, head: bytes = b"") -> Path:
    """A file of ``size`` bytes of which only ``head`` is written (the rest reads as NULs)."""
    with path.open("wb") as out:
        out.write(head)
        out.truncate(size)
    return path


async def test_a_zero_byte_file(ingestor: Ingestor, index: SqliteIndex) -> None:
    result = await ingestor.ingest("file-x", "empty.txt", b"")

    failed_with(result, "invalid_file", "empty.txt is empty (0 bytes)")
    await assert_nothing_else_lost(index)


async def test_a_500_mb_file_of_nothing_fails_at_its_first_block(
    ingestor: Ingestor, index: SqliteIndex, tmp_path: Path
) -> None:
    path = sparse_file(tmp_path / "huge.bin", HALF_GIGABYTE)
    tracemalloc.start()
    try:
        result = await ingestor.ingest("file-x", "huge.txt", path)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()

    failed_with(result, "invalid_file", "huge.txt holds binary data")
    assert peak < 16 * 1024 * 1024  # one read block, not the file
    await assert_nothing_else_lost(index)


async def test_a_500_mb_text_file_stops_at_the_token_limit(
    ingestor: Ingestor, index: SqliteIndex, tmp_path: Path
) -> None:
    # 5.5 million tokens of text, then NULs to 500 MB. Had the reader gone on past the limit,
    # it would have met the NULs and failed with "binary data" instead.
    head = ("lorem ipsum dolor sit amet " * 1_100_000).encode()
    path = sparse_file(tmp_path / "huge.txt", HALF_GIGABYTE, head)

    result = await ingestor.ingest("file-x", "huge.txt", path)

    failed_with(result, "invalid_file", "more than 5,000,000 tokens")
    await assert_nothing_else_lost(index)


async def test_a_file_over_the_files_api_limit_fails_before_reading(
    ingestor: Ingestor, index: SqliteIndex, tmp_path: Path
) -> None:
    path = sparse_file(tmp_path / "too_big.pdf", 513 * 1024 * 1024, b"%PDF-1.4")

    result = await ingestor.ingest("file-x", "too_big.pdf", path)

    failed_with(result, "invalid_file", "the limit is 536,870,912")
    await assert_nothing_else_lost(index)


async def test_an_image_only_pdf(ingestor: Ingestor, index: SqliteIndex) -> None:
    result = await ingestor.ingest("file-x", "scan.pdf", image_only_pdf())

    failed_with(result, "invalid_file", "scan.pdf has no text (it may be a scanned image")
    await assert_nothing_else_lost(index)


async def test_binary_junk_named_txt(ingestor: Ingestor, index: SqliteIndex) -> None:
    junk = os.urandom(64 * 1024)

    result = await ingestor.ingest("file-x", "notes.txt", junk)

    failed_with(result, "invalid_file", "notes.txt holds binary data")
    await assert_nothing_else_lost(index)


async def test_a_file_deleted_while_ingesting(ingestor: Ingestor, index: SqliteIndex) -> None:
    text = " ".join(f"zebra{i}" for i in range(200_000)).encode()  # ~0.1 s to read
    task = asyncio.create_task(ingestor.ingest("file-x", "big.txt", text))
    deleted = False
    while not deleted:  # deleted as soon as it is registered
        await asyncio.sleep(0.001)  # noqa: ASYNC110 - polls the index, which has no event
        deleted = await index.delete_file("file-x")

    result = await task

    assert result.status == "cancelled"
    assert await search(index, SearchRequest("zebra199999")) == []
    await assert_nothing_else_lost(index)


async def test_an_index_deleted_while_searches_run(tmp_path: Path, index: SqliteIndex) -> None:
    doomed = await SqliteIndex.open(tmp_path / "vs_doomed.sqlite3", driver=index.driver)
    await Ingestor(doomed).ingest("file-d", "d.txt", " ".join(["zebras"] * 5000).encode())
    await Ingestor(index).ingest("file-kept", "kept.txt", b"the kept file mentions zebras")

    async def one_search() -> str:
        try:
            await search(doomed, SearchRequest("zebras"))
        except IndexDeletedError as error:
            assert "was deleted" in str(error)
            return "deleted"
        return "done"

    searches = [asyncio.create_task(one_search()) for _ in range(10)]
    await asyncio.sleep(0)
    await doomed.drop()

    assert set(await asyncio.gather(*searches)) <= {"done", "deleted"}
    assert await one_search() == "deleted"
    await assert_nothing_else_lost(index)
