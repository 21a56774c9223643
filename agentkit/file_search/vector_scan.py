"""Vectors as float32 blobs, and the nearest ones found by streaming rows through NumPy.

Vectors are stored normalised, so cosine similarity is a dot product. A scan reads rows in
batches of about 4 MB of floats and keeps only the best ``limit`` seen so far: memory stays
flat however many chunks the index holds.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np
import numpy.typing as npt

from agentkit.file_search.index import Scored

__all__ = ["batch_rows", "pack", "scan_nearest", "similarity_score"]

_BATCH_FLOATS = 1 << 20


def pack(vector: Sequence[float]) -> bytes:
    """``vector`` normalised to length 1, as little-endian float32 bytes."""
    array = np.asarray(vector, dtype="<f4")
    norm = float(np.linalg.norm(array))
    if norm > 0:
        array = array / norm
    return array.astype("<f4").tobytes()


def batch_rows(dimensions: int) -> int:
    """How many rows one scan batch reads."""
    return max(64, _BATCH_FLOATS // max(1, dimensions))


def similarity_score(cosine: float) -> float:
    """A cosine similarity as a score in [0, 1] (opposite or unrelated vectors score 0)."""
    return min(1.0, max(0.0, cosine))


def scan_nearest(
    batches: Iterable[Sequence[tuple[int, bytes]]], query: Sequence[float], limit: int
) -> list[Scored]:
    """The ``limit`` rows of ``(chunk_id, blob)`` batches closest to ``query``, best first."""
    target = np.frombuffer(pack(query), dtype="<f4")
    best_ids: npt.NDArray[np.int64] = np.empty(0, dtype=np.int64)
    best_scores: npt.NDArray[np.float32] = np.empty(0, dtype=np.float32)
    for rows in batches:
        ids = np.fromiter((row[0] for row in rows), dtype=np.int64, count=len(rows))
        matrix = np.frombuffer(b"".join(row[1] for row in rows), dtype="<f4")
        scores = matrix.reshape(len(rows), target.shape[0]) @ target
        best_ids = np.concatenate((best_ids, ids))
        best_scores = np.concatenate((best_scores, scores))
        if len(best_ids) > limit:
            keep = np.argpartition(-best_scores, limit)[:limit]
            best_ids, best_scores = best_ids[keep], best_scores[keep]
    order = np.argsort(-best_scores, kind="stable")
    return [Scored(int(best_ids[i]), similarity_score(float(best_scores[i]))) for i in order]
