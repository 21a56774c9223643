from __future__ import annotations

import asyncio
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import pytest

from agentkit.exceptions import UserError
from agentkit.file_search import (
    Chunk,
    ChunkingStrategy,
    EmbeddingsClient,
    FileStats,
    IndexedFile,
    Ingestor,
    SearchRequest,
    SqliteIndex,
    search,
)
from agentkit.middleware import RetryMiddleware
from agentkit.testing import FakeOpenAI

WORDS = " ".join(f"word{i}" for i in range(3000))  # about 6,000 tokens


async def texts_of(index: SqliteIndex, query: str) -> list[str]:
    return [hit.filename for hit in await search(index, SearchRequest(query, max_num_results=50))]


async def test_a_file_is_chunked_and_reported_completed(index: SqliteIndex) -> None:
    strategy = ChunkingStrategy(1000, 200)

    result = await Ingestor(index).ingest("file-1", "words.txt", WORDS.encode(), chunking=strategy)

    assert result.status == "completed" and result.last_error is None
    assert result.token_count > 5000
    assert result.chunk_count == len(list(strategy.windows(result.token_count)))
    assert result.chunking_strategy == strategy.to_api()
    assert result.usage_bytes > len(WORDS)  # overlapping chunks store some text twice
    assert await texts_of(index, "word2999") == ["words.txt"]


async def test_usage_counts_vectors_too(index: SqliteIndex, embeddings: EmbeddingsClient) -> None:
    text = b"A short note about refunds."

    plain = await Ingestor(index).ingest("file-1", "a.txt", text)
    embedded = await Ingestor(index, embeddings=embeddings).ingest("file-2", "b.txt", text)

    assert plain.usage_bytes == len(text)
    assert embedded.usage_bytes == len(text) + 256 * 4


async def test_ingesting_again_replaces_the_chunks(index: SqliteIndex) -> None:
    ingestor = Ingestor(index)
    await ingestor.ingest("file-1", "words.txt", WORDS.encode())

    again = await ingestor.ingest(
        "file-1", "words.txt", WORDS.encode(), chunking=ChunkingStrategy(4096, 0)
    )

    assert again.chunk_count == 2
    assert await texts_of(index, "word1500") == ["words.txt"]  # one chunk holds it, not three


async def test_a_file_left_in_progress_by_a_crash_is_ingested_again_cleanly(
    index: SqliteIndex,
) -> None:
    attempt = await index.begin_file(IndexedFile("file-1", "words.txt"))
    await index.add_chunks("file-1", attempt, [Chunk(0, 0, 3, "stale partial chunk word7")])
    # ... the process dies; on restart the vector store layer ingests the file again.

    result = await Ingestor(index).ingest("file-1", "words.txt", WORDS.encode())

    assert result.status == "completed"
    assert await texts_of(index, "stale partial") == []
    assert len(await texts_of(index, "word7")) == 1


async def test_a_failed_file_leaves_nothing_and_others_are_unaffected(index: SqliteIndex) -> None:
    ingestor = Ingestor(index)
    good = ingestor.ingest("file-1", "good.txt", b"tomatoes like sun")
    bad = ingestor.ingest("file-2", "bad.pdf", b"%PDF-1.4 truncated")

    results = await asyncio.gather(good, bad)

    assert [r.status for r in results] == ["completed", "failed"]
    error = results[1].last_error
    assert error is not None and error.code == "invalid_file" and "bad.pdf" in error.message
    assert error.to_api() == {"code": "invalid_file", "message": error.message}
    assert await texts_of(index, "tomatoes truncated") == ["good.txt"]


async def test_a_file_is_read_from_a_path(index: SqliteIndex, tmp_path: Path) -> None:
    path = tmp_path / "upload.bin"
    path.write_bytes(b"# Notes\nThe meeting moved to Thursday.")

    result = await Ingestor(index).ingest("file-1", "notes.md", path)

    assert result.status == "completed"
    assert await texts_of(index, "Thursday") == ["notes.md"]


async def test_embedding_failures_fail_the_file_with_server_error(
    index: SqliteIndex, fake: FakeOpenAI
) -> None:
    async def no_sleep(seconds: float) -> None:
        pass

    fake.embeddings.fail_next(500, "embedding backend down", times=4)
    client = EmbeddingsClient("m", client=fake.client(), retry=RetryMiddleware(sleep=no_sleep))
    ingestor = Ingestor(index, embeddings=client)

    failed = await ingestor.ingest("file-1", "a.txt", b"first file")
    completed = await ingestor.ingest("file-2", "b.txt", b"second file")

    assert failed.status == "failed" and failed.last_error is not None
    assert failed.last_error.code == "server_error"
    assert "embedding backend down" in failed.last_error.message
    assert completed.status == "completed"
    assert await texts_of(index, "file") == ["b.txt"]


async def test_invalid_attributes_are_refused_before_any_work(index: SqliteIndex) -> None:
    with pytest.raises(UserError, match="attributes"):
        await Ingestor(index).ingest("file-1", "a.txt", b"text", attributes={"k": [1]})  # type: ignore[dict-item]

    assert await texts_of(index, "text") == []


class WatchedIndex:
    """A `SqliteIndex` whose callers are watched: a stand-in for the vector store layer."""

    def __init__(self, inner: SqliteIndex) -> None:
        self.inner = inner
        self.active: set[str] = set()
        self.most_active = 0
        self.delete_on_first_chunks: str | None = None

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)

    async def add_chunks(self, file_id: str, attempt: int, chunks: Sequence[Chunk]) -> bool:
        self.active.add(file_id)
        self.most_active = max(self.most_active, len(self.active))
        await asyncio.sleep(0.01)
        if chunks and self.delete_on_first_chunks == file_id:
            await self.inner.delete_file(file_id)  # a DELETE arrives mid-ingestion
        return await self.inner.add_chunks(file_id, attempt, chunks)

    async def commit_file(self, file_id: str, attempt: int) -> FileStats:
        try:
            return await self.inner.commit_file(file_id, attempt)
        finally:
            self.active.discard(file_id)

    async def delete_file(self, file_id: str) -> bool:
        self.active.discard(file_id)
        return await self.inner.delete_file(file_id)

    async def begin_file(self, file: IndexedFile) -> int:
        return await self.inner.begin_file(file)

    async def set_attributes(self, file_id: str, attributes: Mapping[str, Any]) -> bool:
        return await self.inner.set_attributes(file_id, attributes)


async def test_at_most_concurrency_files_are_ingested_at_once(index: SqliteIndex) -> None:
    watched = WatchedIndex(index)
    ingestor = Ingestor(watched, concurrency=3)

    results = await asyncio.gather(
        *(ingestor.ingest(f"file-{i}", f"{i}.txt", f"text {i}".encode()) for i in range(12))
    )

    assert {r.status for r in results} == {"completed"}
    assert watched.most_active == 3


async def test_a_file_deleted_while_ingesting_ends_cancelled_and_leaves_nothing(
    index: SqliteIndex,
) -> None:
    watched = WatchedIndex(index)
    watched.delete_on_first_chunks = "file-doomed"
    ingestor = Ingestor(watched, chunks_per_write=1)
    strategy = ChunkingStrategy(100, 0)

    doomed, kept = await asyncio.gather(
        ingestor.ingest("file-doomed", "doomed.txt", WORDS.encode(), chunking=strategy),
        ingestor.ingest("file-kept", "kept.txt", b"word5 survives"),
    )

    assert (doomed.status, doomed.last_error) == ("cancelled", None)
    assert kept.status == "completed"
    assert await texts_of(index, "word5") == ["kept.txt"]


class BrokenDiskIndex(WatchedIndex):
    async def add_chunks(self, file_id: str, attempt: int, chunks: Sequence[Chunk]) -> bool:
        if chunks:
            raise OSError(28, "No space left on device")
        return await self.inner.add_chunks(file_id, attempt, chunks)


async def test_an_unexpected_failure_fails_the_file_without_stalling(index: SqliteIndex) -> None:
    ingestor = Ingestor(BrokenDiskIndex(index))

    result = await ingestor.ingest("file-1", "a.txt", b"some text")

    assert result.status == "failed" and result.last_error is not None
    assert result.last_error.code == "server_error"
    assert "No space left on device" in result.last_error.message
    assert await texts_of(index, "text") == []
