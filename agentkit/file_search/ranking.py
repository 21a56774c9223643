"""How results are ranked: the API's ``ranking_options``, and reciprocal rank fusion.

With both retrievers, each ranks its candidates and a chunk's fused score is
``sum(1 / (60 + rank))`` over the lists it appears in (rank from 1), divided by the best
score possible (first in every list), so it is in (0, 1]: 1.0 means first in both.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from agentkit.exceptions import UserError
from agentkit.file_search.index import Scored

__all__ = ["RRF_K", "Ranker", "RankingOptions", "fuse"]

RRF_K = 60
Ranker = Literal["auto", "default-2024-11-15", "none"]
_RANKERS = ("auto", "default-2024-11-15", "none")


@dataclass(frozen=True, slots=True)
class RankingOptions:
    """The API's ``ranking_options``.

    Attributes:
        ranker: ``auto`` and ``default-2024-11-15`` fuse lexical and vector results when the
            store has vectors; ``none`` skips fusion and uses one retriever (vectors when
            there are any, else full text).
        score_threshold: results scoring below it (0 to 1) are left out.
    """

    ranker: Ranker = "auto"
    score_threshold: float = 0.0

    def __post_init__(self) -> None:
        if self.ranker not in _RANKERS:
            raise UserError(
                f"ranking_options.ranker must be one of {', '.join(_RANKERS)}; not {self.ranker!r}."
            )
        threshold = self.score_threshold
        if isinstance(threshold, bool) or not isinstance(threshold, int | float):
            raise UserError(f"ranking_options.score_threshold must be a number, not {threshold!r}.")
        if not 0.0 <= threshold <= 1.0:
            raise UserError(
                f"ranking_options.score_threshold must be from 0 to 1, not {threshold}."
            )

    @classmethod
    def parse(cls, value: Mapping[str, Any] | None) -> RankingOptions:
        """The options a request's ``ranking_options`` object asks for."""
        if value is None:
            return cls()
        if not isinstance(value, Mapping):
            raise UserError(f"ranking_options must be an object, not {value!r}.")
        unknown = set(value) - {"ranker", "score_threshold"}
        if unknown:
            raise UserError(f"ranking_options has unknown fields: {', '.join(sorted(unknown))}.")
        return cls(value.get("ranker", "auto"), value.get("score_threshold", 0.0))


def fuse(rankings: Sequence[Sequence[Scored]]) -> list[Scored]:
    """One ranking from several, by reciprocal rank fusion, best first (ties by first seen)."""
    totals: dict[int, float] = {}
    for ranking in rankings:
        for rank, item in enumerate(ranking, start=1):
            totals[item.chunk_id] = totals.get(item.chunk_id, 0.0) + 1.0 / (RRF_K + rank)
    best = len(rankings) / (RRF_K + 1)
    ordered = sorted(totals.items(), key=lambda pair: -pair[1])
    return [Scored(chunk_id, min(1.0, total / best)) for chunk_id, total in ordered]
