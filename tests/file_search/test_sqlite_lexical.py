from __future__ import annotations

import pytest

from agentkit.file_search import Chunk, IndexedFile, SqliteIndex, stdlib_driver
from agentkit.file_search.sqlite_lexical import MIN_CHUNKS_FOR_CUTOFF

# Ranking is SQL only: one driver is enough.
pytestmark = pytest.mark.parametrize("driver", [stdlib_driver()], ids=["numpy-scan"])


async def fill(index: SqliteIndex, chunks: int) -> None:
    """Chunks that all say "common"; three of them also say "needle"."""
    attempt = await index.begin_file(IndexedFile("file-1", "big.txt"))
    texts = [f"common filler text number{i}" for i in range(chunks)]
    for i in (10, 20, 30):
        texts[i] += " needle"
    await index.add_chunks("file-1", attempt, [Chunk(i, i, i + 1, t) for i, t in enumerate(texts)])
    await index.commit_file("file-1", attempt)


async def scores(index: SqliteIndex, query: str, limit: int) -> list[tuple[int, float]]:
    return [(s.chunk_id, s.score) for s in await index.lexical(query, None, limit)]


async def test_in_a_large_store_a_common_term_leaves_the_ranking_to_rarer_ones(
    index: SqliteIndex,
) -> None:
    await fill(index, MIN_CHUNKS_FOR_CUTOFF)

    assert await scores(index, "common needle", 3) == await scores(index, "needle", 3)


async def test_too_few_rare_matches_bring_the_common_term_back(index: SqliteIndex) -> None:
    await fill(index, MIN_CHUNKS_FOR_CUTOFF)

    found = await scores(index, "common needle", 10)

    assert len(found) == 10
    assert {chunk_id for chunk_id, _ in found[:3]} == {11, 21, 31}  # rowids start at 1


async def test_in_a_small_store_every_term_counts(index: SqliteIndex) -> None:
    await fill(index, 100)

    with_common = await scores(index, "common needle", 3)

    assert [c for c, _ in with_common] == [c for c, _ in await scores(index, "needle", 3)]
    assert with_common != await scores(index, "needle", 3)
