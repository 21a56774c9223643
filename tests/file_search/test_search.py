from __future__ import annotations

from typing import Any

import pytest

from agentkit.exceptions import UserError
from agentkit.file_search import (
    EmbeddingsClient,
    FileSearchError,
    Ingestor,
    RankingOptions,
    SearchRequest,
    SqliteIndex,
    search,
)
from agentkit.testing import FakeOpenAI

DOCS = {
    "refunds.md": "Items can be reimbursed within 30 days when you keep the receipt.",
    "errors.txt": "Error code E42 means the disk is full; free some space on the drive.",
    "shipping.txt": "Parcels are delivered by courier in three to five working days.",
    "garden.txt": "Water tomato plants twice a week and give them plenty of sun.",
}


@pytest.fixture
async def store(index: SqliteIndex, embeddings: EmbeddingsClient) -> SqliteIndex:
    ingestor = Ingestor(index, embeddings=embeddings)
    for number, (name, text) in enumerate(DOCS.items()):
        result = await ingestor.ingest(f"file-{number}", name, text.encode())
        assert result.status == "completed"
    return index


async def filenames(index: SqliteIndex, request: SearchRequest, **options: Any) -> list[str]:
    return [hit.filename for hit in await search(index, request, **options)]


async def test_without_an_embeddings_client_search_is_full_text(store: SqliteIndex) -> None:
    assert await filenames(store, SearchRequest("what does E42 mean")) == ["errors.txt"]
    assert await filenames(store, SearchRequest("how do I get my money back")) == []


async def test_with_embeddings_a_paraphrase_is_found(
    store: SqliteIndex, embeddings: EmbeddingsClient
) -> None:
    found = await filenames(
        store, SearchRequest("how do I get my money back"), embeddings=embeddings
    )

    assert found[0] == "refunds.md"


async def test_hybrid_keeps_exact_keyword_matches_first(
    store: SqliteIndex, embeddings: EmbeddingsClient
) -> None:
    hits = await search(store, SearchRequest("E42"), embeddings=embeddings)

    assert hits[0].filename == "errors.txt"
    assert hits[0].score == pytest.approx(1.0)  # first in both rankings


async def test_ranker_none_uses_vectors_alone(
    store: SqliteIndex, embeddings: EmbeddingsClient
) -> None:
    request = SearchRequest("disk full", ranking_options=RankingOptions("none"))

    vector_hits = await search(store, request, embeddings=embeddings)
    forced = await search(store, request, embeddings=embeddings, retrieval="vector")

    assert [(h.chunk_id, h.score) for h in vector_hits] == [(h.chunk_id, h.score) for h in forced]
    assert vector_hits[0].filename == "errors.txt"


async def test_scores_are_in_0_1_best_first_and_the_threshold_cuts(
    store: SqliteIndex, embeddings: EmbeddingsClient
) -> None:
    for retrieval in ("lexical", "vector", "hybrid"):
        hits = await search(
            store, SearchRequest("water the plants"), embeddings=embeddings, retrieval=retrieval
        )
        scores = [hit.score for hit in hits]
        assert scores == sorted(scores, reverse=True) and all(0 <= s <= 1 for s in scores)
        assert hits[0].filename == "garden.txt"

    threshold = RankingOptions(score_threshold=0.5)
    kept = await search(
        store, SearchRequest("water the plants", ranking_options=threshold), embeddings=embeddings
    )
    assert kept and all(hit.score >= 0.5 for hit in kept)
    assert len(kept) < len(
        await search(store, SearchRequest("water the plants"), embeddings=embeddings)
    )


async def test_max_num_results_is_honoured(
    store: SqliteIndex, embeddings: EmbeddingsClient
) -> None:
    request = SearchRequest("days", max_num_results=1)

    assert len(await search(store, request, embeddings=embeddings)) == 1


async def test_a_list_query_is_searched_as_one_text(store: SqliteIndex) -> None:
    assert set(await filenames(store, SearchRequest(["E42", "courier"]))) == {
        "errors.txt",
        "shipping.txt",
    }


async def test_results_have_the_search_endpoint_shape(store: SqliteIndex) -> None:
    (hit,) = await search(store, SearchRequest("E42"))

    assert hit.to_api() == {
        "file_id": "file-1",
        "filename": "errors.txt",
        "score": hit.score,
        "attributes": {},
        "content": [{"type": "text", "text": DOCS["errors.txt"]}],
    }


async def test_vectors_from_another_model_are_an_error(
    store: SqliteIndex, fake: FakeOpenAI
) -> None:
    other = EmbeddingsClient("another-model", client=fake.client())

    with pytest.raises(FileSearchError, match="come from 'fake-embedding'"):
        await search(store, SearchRequest("anything"), embeddings=other)


async def test_vector_retrieval_needs_an_embeddings_client(store: SqliteIndex) -> None:
    with pytest.raises(UserError, match="needs an embeddings client"):
        await search(store, SearchRequest("x"), retrieval="hybrid")


def test_a_request_is_read_from_the_api_body() -> None:
    request = SearchRequest.from_api(
        {
            "query": "refund",
            "max_num_results": 5,
            "ranking_options": {"ranker": "default-2024-11-15", "score_threshold": 0.2},
            "filters": {"type": "eq", "key": "team", "value": "support"},
            "rewrite_query": True,
        }
    )

    assert (request.text, request.max_num_results, request.ranking_options) == (
        "refund",
        5,
        RankingOptions("default-2024-11-15", 0.2),
    )


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"query": ""}, "query must be a non-empty string"),
        ({"query": []}, "query must be a non-empty string"),
        ({"query": ["ok", 3]}, "query must be a non-empty string"),
        ({"query": "q", "max_num_results": 0}, "max_num_results must be an integer from 1 to 50"),
        ({"query": "q", "max_num_results": 51}, "not 51"),
        ({"query": "q", "max_num_results": "5"}, "not '5'"),
        ({"query": "q", "ranking_options": {"ranker": "bm25"}}, "ranker must be one of"),
        ({"query": "q", "ranking_options": {"score_threshold": 1.5}}, "from 0 to 1"),
        ({"query": "q", "ranking_options": {"threshold": 0.5}}, "unknown fields: threshold"),
        ({"query": "q", "filters": {"type": "eq", "key": 1, "value": 2}}, "filters.key"),
    ],
)
def test_invalid_requests_fail_before_any_work(body: dict[str, Any], message: str) -> None:
    with pytest.raises(UserError) as caught:
        SearchRequest.from_api(body)

    assert message in str(caught.value)
