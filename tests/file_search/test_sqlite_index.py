from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import pytest

from agentkit.file_search import (
    Chunk,
    FileDeletedError,
    FileSearchError,
    IndexDeletedError,
    IndexedFile,
    IngestError,
    SqliteDriver,
    SqliteIndex,
    VectorSpace,
)


def leftovers(folder: Path, prefix: str) -> list[Path]:
    return list(folder.glob(f"{prefix}*"))


async def add_file(
    index: SqliteIndex,
    file_id: str,
    texts: Sequence[str],
    *,
    vectors: Sequence[Sequence[float]] | None = None,
    attributes: Mapping[str, Any] | None = None,
    commit: bool = True,
) -> int:
    attempt = await index.begin_file(IndexedFile(file_id, f"{file_id}.txt", attributes or {}))
    chunks = [
        Chunk(i, i * 10, i * 10 + 10, text, None if vectors is None else vectors[i])
        for i, text in enumerate(texts)
    ]
    assert await index.add_chunks(file_id, attempt, chunks)
    if commit:
        await index.commit_file(file_id, attempt)
    return attempt


async def found(index: SqliteIndex, query: str, filters: Any = None) -> list[tuple[str, int]]:
    hits = await index.hits(await index.lexical(query, filters, 20))
    return [(hit.file_id, hit.chunk_index) for hit in hits]


async def test_committed_chunks_are_searchable_with_their_position(index: SqliteIndex) -> None:
    await add_file(index, "file-a", ["apples grow on trees", "pears grow on trees too"])

    hits = await index.hits(await index.lexical("pears", None, 5))

    assert [(h.file_id, h.filename, h.chunk_index, h.token_start, h.token_end) for h in hits] == [
        ("file-a", "file-a.txt", 1, 10, 20)
    ]
    assert hits[0].text == "pears grow on trees too"
    assert 0 < hits[0].score < 1


async def test_chunks_stay_invisible_until_the_file_is_committed(index: SqliteIndex) -> None:
    attempt = await add_file(index, "file-a", ["hidden treasure"], commit=False)
    assert await found(index, "treasure") == []

    stats = await index.commit_file("file-a", attempt)

    assert await found(index, "treasure") == [("file-a", 0)]
    assert stats.chunk_count == 1 and stats.usage_bytes == len("hidden treasure")


async def test_deleting_a_file_removes_its_chunks_from_every_retriever(index: SqliteIndex) -> None:
    await add_file(index, "file-a", ["alpha words"], vectors=[[1.0, 0.0]])
    await add_file(index, "file-b", ["alpha again"], vectors=[[0.9, 0.1]])

    assert await index.delete_file("file-a")

    assert await found(index, "alpha") == [("file-b", 0)]
    nearest = await index.hits(await index.nearest([1.0, 0.0], None, 10))
    assert [h.file_id for h in nearest] == ["file-b"]
    assert not await index.delete_file("file-a")


async def test_a_new_attempt_replaces_the_old_chunks_only_when_committed(
    index: SqliteIndex,
) -> None:
    await add_file(index, "file-a", ["version one"])
    attempt = await add_file(index, "file-a", ["version two", "more of two"], commit=False)

    assert await found(index, "version") == [("file-a", 0)]
    assert (await index.hits(await index.lexical("version", None, 5)))[0].text == "version one"

    await index.commit_file("file-a", attempt)

    assert sorted(await found(index, "two")) == [("file-a", 0), ("file-a", 1)]
    assert await found(index, "one") == []


async def test_an_attempt_left_by_a_crash_is_replaced_by_the_next(
    tmp_path: Path, driver: SqliteDriver
) -> None:
    path = tmp_path / "vs_crash.sqlite3"
    crashed = await SqliteIndex.open(path, driver=driver)
    await add_file(crashed, "file-a", ["half written"], commit=False)
    await crashed.close()  # the process died here

    index = await SqliteIndex.open(path, driver=driver)
    assert await found(index, "written") == []
    await add_file(index, "file-a", ["half written", "and finished"])

    assert sorted(await found(index, "written OR finished")) == [("file-a", 0), ("file-a", 1)]
    await index.close()


async def test_a_file_deleted_during_its_ingestion_is_not_resurrected(index: SqliteIndex) -> None:
    attempt = await index.begin_file(IndexedFile("file-a", "a.txt"))
    await index.delete_file("file-a")

    accepted = await index.add_chunks("file-a", attempt, [Chunk(0, 0, 2, "late chunk")])
    with pytest.raises(FileDeletedError, match="deleted from the index while it was ingested"):
        await index.commit_file("file-a", attempt)

    assert not accepted
    assert await found(index, "late") == []


async def test_vectors_from_another_model_are_refused(index: SqliteIndex) -> None:
    await index.set_vector_space(VectorSpace("model-a", 256))
    await index.set_vector_space(VectorSpace("model-a", 256))

    with pytest.raises(IngestError, match="come from 'model-a' .256 dimensions.") as caught:
        await index.set_vector_space(VectorSpace("model-b", 1536))

    assert caught.value.code == "server_error"
    assert await index.vector_space() == VectorSpace("model-a", 256)


async def test_nearest_ranks_by_cosine_with_scores_in_0_1(index: SqliteIndex) -> None:
    vectors = [[1.0, 0.0, 0.0], [0.7, 0.7, 0.0], [0.0, 1.0, 0.0], [-1.0, 0.0, 0.0]]
    await add_file(index, "file-a", ["east", "north-east", "north", "west"], vectors=vectors)

    hits = await index.hits(await index.nearest([2.0, 0.1, 0.0], None, 4))

    assert [h.text for h in hits] == ["east", "north-east", "north", "west"]
    scores = [h.score for h in hits]
    assert scores == sorted(scores, reverse=True)
    assert scores[0] == pytest.approx(0.9988, abs=1e-3) and scores[-1] == 0.0


async def test_a_query_of_only_punctuation_finds_nothing(index: SqliteIndex) -> None:
    await add_file(index, "file-a", ["anything"])

    assert await index.lexical("?!", None, 5) == []
    assert await found(index, 'NEAR("x" OR) *') == []  # FTS5 syntax is only ever text


async def test_a_dropped_index_deletes_its_files_and_refuses_calls(
    tmp_path: Path, driver: SqliteDriver
) -> None:
    index = await SqliteIndex.open(tmp_path / "vs_drop.sqlite3", driver=driver)
    other = await SqliteIndex.open(tmp_path / "vs_other.sqlite3", driver=driver)
    await add_file(index, "file-a", ["shared word"])
    await add_file(other, "file-b", ["shared word"])

    await index.drop()

    assert leftovers(tmp_path, "vs_drop") == []
    with pytest.raises(IndexDeletedError, match="was deleted"):
        await index.lexical("word", None, 5)
    with pytest.raises(IndexDeletedError):
        await index.begin_file(IndexedFile("file-c", "c.txt"))
    assert await found(other, "shared") == [("file-b", 0)]
    await other.close()


async def test_searches_running_while_the_index_is_dropped_end_cleanly(
    tmp_path: Path, driver: SqliteDriver
) -> None:
    index = await SqliteIndex.open(tmp_path / "vs_race.sqlite3", driver=driver)
    vectors = [[float(i % 7), float(i % 5), 1.0] for i in range(400)]
    await add_file(index, "file-a", [f"chunk number {i}" for i in range(400)], vectors=vectors)

    async def one_search() -> str:
        try:
            scored = await index.nearest([1.0, 2.0, 3.0], None, 5)
            await index.hits(scored)
        except IndexDeletedError:
            return "deleted"
        return "done"

    searches = [asyncio.create_task(one_search()) for _ in range(20)]
    await asyncio.sleep(0)
    await index.drop()
    outcomes = await asyncio.gather(*searches)

    # Each search finished on its connection or was told the index is gone: no other error.
    assert set(outcomes) <= {"done", "deleted"}
    assert leftovers(tmp_path, "vs_race") == []
    with pytest.raises(IndexDeletedError):
        await one_search_raising(index)


async def one_search_raising(index: SqliteIndex) -> None:
    await index.nearest([1.0, 0.0, 0.0], None, 5)


async def test_a_file_that_is_not_an_index_is_refused_clearly(
    tmp_path: Path, driver: SqliteDriver
) -> None:
    path = tmp_path / "vs_garbage.sqlite3"
    path.write_bytes(b"this is not a database at all, just some text " * 100)

    with pytest.raises(FileSearchError, match="is not a file search index"):
        await SqliteIndex.open(path, driver=driver)

    assert path.read_bytes().startswith(b"this is not a database")


async def test_an_index_from_a_newer_agentkit_is_refused(
    tmp_path: Path, driver: SqliteDriver
) -> None:
    path = tmp_path / "vs_future.sqlite3"
    index = await SqliteIndex.open(path, driver=driver)
    await index.close()
    conn = sqlite3.connect(path)
    conn.execute("UPDATE meta SET value = '99' WHERE key = 'schema_version'")
    conn.commit()
    conn.close()

    with pytest.raises(FileSearchError, match="schema version 99; this agentkit reads version 1"):
        await SqliteIndex.open(path, driver=driver)


async def test_a_closed_index_says_it_is_closed(tmp_path: Path, driver: SqliteDriver) -> None:
    index = await SqliteIndex.open(tmp_path / "vs_closed.sqlite3", driver=driver)
    await index.close()

    with pytest.raises(FileSearchError, match="is closed") as caught:
        await index.lexical("anything", None, 5)

    assert not isinstance(caught.value, IndexDeletedError)
