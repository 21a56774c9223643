from __future__ import annotations

import tracemalloc
from collections.abc import Iterator

import numpy as np

from agentkit.file_search.vector_scan import pack, scan_nearest

DIMENSIONS = 64


def batches(rng: np.random.Generator, count: int, size: int) -> Iterator[list[tuple[int, bytes]]]:
    for number in range(count):
        rows = rng.standard_normal((size, DIMENSIONS)).astype("<f4")
        yield [(number * size + i, pack(row.tolist())) for i, row in enumerate(rows)]


def test_the_scan_finds_what_a_full_comparison_finds() -> None:
    vectors = np.random.default_rng(7).standard_normal((3000, DIMENSIONS))
    rows = [(i, pack(vector.tolist())) for i, vector in enumerate(vectors)]
    query = vectors[42] + 0.01

    found = scan_nearest([rows[i : i + 500] for i in range(0, 3000, 500)], query.tolist(), 10)

    normalised = vectors / np.linalg.norm(vectors, axis=1, keepdims=True)
    expected = np.argsort(-(normalised @ (query / np.linalg.norm(query))))[:10]
    assert [item.chunk_id for item in found] == expected.tolist()
    assert found[0].chunk_id == 42 and found[0].score > 0.99


def test_memory_stays_flat_however_many_rows_stream_past() -> None:
    query = np.ones(DIMENSIONS).tolist()

    def peak_for(batch_count: int) -> int:
        tracemalloc.start()
        try:
            scan_nearest(batches(np.random.default_rng(1), batch_count, 1000), query, 20)
            return tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()

    small, large = peak_for(2), peak_for(40)  # 2,000 rows, then 40,000 rows (10 MB of floats)

    assert large < small * 1.5
