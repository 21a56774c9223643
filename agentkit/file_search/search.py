"""Search a `SearchIndex` as the vector store search endpoint does: validate, retrieve, rank.

Which retrievers run::

    no embeddings client, or no vectors in the index   full text (BM25) only
    ranker "auto" / "default-2024-11-15"               full text + vectors, fused (RRF)
    ranker "none"                                      vectors only

``retrieval`` forces one of ``lexical``, ``vector`` or ``hybrid`` (for evaluation).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from agentkit.exceptions import UserError
from agentkit.file_search.attributes import compile_filter
from agentkit.file_search.errors import FileSearchError
from agentkit.file_search.index import Scored, SearchHit, SearchIndex
from agentkit.file_search.ranking import RankingOptions, fuse

if TYPE_CHECKING:
    from agentkit.file_search.embeddings import EmbeddingsClient

__all__ = ["Retrieval", "SearchRequest", "search"]

Retrieval = Literal["lexical", "vector", "hybrid"]
_FUSION_CANDIDATES = 50


@dataclass(frozen=True, slots=True)
class SearchRequest:
    """A validated search: the body of ``POST /vector_stores/{id}/search``.

    Attributes:
        query: the text to search for, or several (searched as one text).
        filters: a comparison or compound filter over file attributes.
        max_num_results: 1 to 50 results at most (default 10).
        ranking_options: the ranker and the score threshold.
    """

    query: str | Sequence[str]
    filters: Mapping[str, Any] | None = None
    max_num_results: int = 10
    ranking_options: RankingOptions = field(default_factory=RankingOptions)

    def __post_init__(self) -> None:
        query = self.query
        parts = [query] if isinstance(query, str) else list(query)
        if not parts or not all(isinstance(part, str) for part in parts) or not self.text.strip():
            raise UserError("query must be a non-empty string or a list of non-empty strings.")
        size = self.max_num_results
        if isinstance(size, bool) or not isinstance(size, int) or not 1 <= size <= 50:
            raise UserError(f"max_num_results must be an integer from 1 to 50, not {size!r}.")
        compile_filter(self.filters, "file_id")  # a malformed filter fails here, before work

    @property
    def text(self) -> str:
        """The query as one text."""
        return self.query if isinstance(self.query, str) else "\n".join(self.query)

    @classmethod
    def from_api(cls, body: Mapping[str, Any]) -> SearchRequest:
        """The request a search endpoint's JSON body describes (``rewrite_query`` is ignored)."""
        return cls(
            query=body.get("query", ""),
            filters=body.get("filters"),
            max_num_results=body.get("max_num_results", 10),
            ranking_options=RankingOptions.parse(body.get("ranking_options")),
        )


async def search(
    index: SearchIndex,
    request: SearchRequest,
    *,
    embeddings: EmbeddingsClient | None = None,
    retrieval: Retrieval | None = None,
) -> list[SearchHit]:
    """The chunks of ``index`` that best answer ``request``, best first, scores in [0, 1].

    Raises:
        UserError: ``retrieval`` asks for vectors the index or the client cannot give.
        FileSearchError: the index's vectors come from another embedding model.
    """
    mode = await _retrieval(index, request, embeddings, retrieval)
    limit = request.max_num_results
    pool = max(limit, _FUSION_CANDIDATES) if mode == "hybrid" else limit
    rankings: list[list[Scored]] = []
    if mode in ("lexical", "hybrid"):
        rankings.append(await index.lexical(request.text, request.filters, pool))
    if mode in ("vector", "hybrid"):
        assert embeddings is not None
        (vector,) = await embeddings.embed([request.text])
        rankings.append(await index.nearest(vector, request.filters, pool))
    ranked = fuse(rankings) if len(rankings) > 1 else rankings[0]
    threshold = request.ranking_options.score_threshold
    kept = [item for item in ranked if item.score >= threshold][:limit]
    return await index.hits(kept)


async def _retrieval(
    index: SearchIndex,
    request: SearchRequest,
    embeddings: EmbeddingsClient | None,
    forced: Retrieval | None,
) -> Retrieval:
    space = await index.vector_space()
    usable = embeddings is not None and space is not None
    if usable and embeddings is not None and space is not None and space.model != embeddings.model:
        raise FileSearchError(
            f"This vector store's vectors come from {space.model!r}; the embeddings client "
            f"uses {embeddings.model!r}. Search with the model the files were ingested with."
        )
    if forced is not None:
        if forced != "lexical" and not usable:
            raise UserError(
                f"retrieval={forced!r} needs an embeddings client and an index with vectors."
            )
        return forced
    if not usable:
        return "lexical"
    return "vector" if request.ranking_options.ranker == "none" else "hybrid"
