"""Recall@5 on the labelled set (`tests.file_search.corpus`), per retriever, with floors.

Run ``pytest tests/file_search/test_retrieval_quality.py -rP`` to see the figures. Vector
figures use `FakeOpenAI`'s concept-lexicon embeddings: they show that vectors are stored,
scanned and fused correctly and that paraphrases the lexicon knows are found, not how a
real embedding model would score.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from agentkit.file_search import (
    ChunkingStrategy,
    EmbeddingsClient,
    Ingestor,
    Retrieval,
    SearchRequest,
    SqliteIndex,
    search,
)
from agentkit.testing import FakeOpenAI
from tests.file_search.corpus import QUESTIONS, documents

FLOORS: dict[Retrieval, float] = {"lexical": 0.85, "vector": 0.9, "hybrid": 0.95}
PARAPHRASE_FLOORS: dict[Retrieval, float] = {"lexical": 0.6, "vector": 0.85, "hybrid": 0.9}


@dataclass
class Score:
    found_at: list[int | None]  # 1-based rank of the answering file, per question

    def recall(self, k: int, questions: list[int] | None = None) -> float:
        picked = range(len(self.found_at)) if questions is None else questions
        ranks = [self.found_at[i] for i in picked]
        return sum(1 for rank in ranks if rank is not None and rank <= k) / len(ranks)

    def mrr(self) -> float:
        return sum(1 / rank for rank in self.found_at if rank) / len(self.found_at)


async def evaluate(index: SqliteIndex, embeddings: EmbeddingsClient, mode: Retrieval) -> Score:
    found_at: list[int | None] = []
    for question in QUESTIONS:
        hits = await search(
            index,
            SearchRequest(question.text, max_num_results=20),
            embeddings=embeddings,
            retrieval=mode,
        )
        files = list(dict.fromkeys(hit.filename for hit in hits))  # distinct files, best first
        found_at.append(files.index(question.answer) + 1 if question.answer in files else None)
    return Score(found_at)


async def test_recall_at_5_stays_above_its_floors(tmp_path: Path) -> None:
    fake = FakeOpenAI()
    embeddings = EmbeddingsClient("fake-embedding", client=fake.client())
    index = await SqliteIndex.open(tmp_path / "vs_quality.sqlite3")
    ingestor = Ingestor(index, embeddings=embeddings)
    for number, (filename, data) in enumerate(documents().items()):
        result = await ingestor.ingest(
            f"file-{number}", filename, data, chunking=ChunkingStrategy(200, 100)
        )
        assert result.status == "completed", result.last_error

    paraphrased = [i for i, q in enumerate(QUESTIONS) if q.paraphrase]
    scores = {mode: await evaluate(index, embeddings, mode) for mode in FLOORS}
    await index.close()

    print(f"\n{len(QUESTIONS)} questions ({len(paraphrased)} paraphrased), 20 documents")
    for mode, score in scores.items():
        print(
            f"{mode:8} recall@5 {score.recall(5):.2f}"
            f"  paraphrased {score.recall(5, paraphrased):.2f}"
            f"  recall@1 {score.recall(1):.2f}  MRR {score.mrr():.2f}"
        )
    for mode, score in scores.items():
        assert score.recall(5) >= FLOORS[mode], mode
        assert score.recall(5, paraphrased) >= PARAPHRASE_FLOORS[mode], mode
    assert scores["hybrid"].recall(5, paraphrased) > scores["lexical"].recall(5, paraphrased)
