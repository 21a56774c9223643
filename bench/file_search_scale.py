"""File search at scale: 10,000 generated files (~100,000 chunks) into one vector store.

Two stores get the same files: one full-text only (no embeddings client), one with
`FakeOpenAI`'s embeddings (256 dimensions, served in process). Printed per store: files/s
and chunks/s while ingesting, the index file's size, and at 1k, 10k and 100k chunks the
query latency p50/p95 (lexical; hybrid with sqlite-vec and with the NumPy scan) and this
process's resident memory.

``python bench/file_search_scale.py`` (about 15 minutes on 2 cores; ``--files 1000`` for a
quick look). Prints a table and, with ``--json PATH``, writes the figures.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from measure import peak_rss_kib, rss_kib, summarize

from agentkit.file_search import (
    EmbeddingsClient,
    Ingestor,
    Retrieval,
    SearchRequest,
    SqliteIndex,
    default_driver,
    search,
    stdlib_driver,
)
from agentkit.testing import FakeOpenAI

CHECKPOINTS = (1_000, 10_000, 100_000)
VOCABULARY = 20_000
WORDS_PER_FILE = 1_450  # ~4,200 tokens of made-up words: ten 800-token chunks (400 overlap)


def vocabulary(rng: random.Random) -> list[str]:
    syllables = ["ka", "lo", "mi", "ru", "sen", "tor", "ba", "vel", "qu", "dra", "pin", "ex"]
    words: set[str] = set()
    while len(words) < VOCABULARY:
        words.add("".join(rng.choice(syllables) for _ in range(rng.randint(2, 4))))
    return sorted(words)


@dataclass
class Corpus:
    """Zipf-distributed words, so some words are common and most are rare, as in text."""

    words: list[str]
    rng: np.random.Generator = field(default_factory=lambda: np.random.default_rng(42))

    def text(self) -> bytes:
        ranks = np.minimum(self.rng.zipf(1.15, WORDS_PER_FILE), VOCABULARY) - 1
        return " ".join(self.words[r] for r in ranks).encode()

    def query(self) -> str:
        # Three content words of middling frequency (the 50 most common act as stopwords).
        return " ".join(self.words[int(r)] for r in self.rng.integers(50, 5_000, 3))


async def latencies(
    index: SqliteIndex, corpus: Corpus, retrieval: Retrieval, client: EmbeddingsClient | None
) -> dict[str, float]:
    samples = []
    for number in range(120):
        request = SearchRequest(corpus.query(), max_num_results=10)
        started = time.perf_counter()
        await search(index, request, embeddings=client, retrieval=retrieval)
        if number >= 20:  # warm-up
            samples.append((time.perf_counter() - started) * 1000)
    summary = summarize(samples)
    return {"p50_ms": round(summary.median, 2), "p95_ms": round(summary.p95, 2)}


async def embed_latency(corpus: Corpus, client: EmbeddingsClient) -> dict[str, float]:
    """What embedding the query costs (the fake server, in process): part of each hybrid."""
    samples = []
    for _ in range(100):
        started = time.perf_counter()
        await client.embed([corpus.query()])
        samples.append((time.perf_counter() - started) * 1000)
    summary = summarize(samples[20:])
    return {"p50_ms": round(summary.median, 2), "p95_ms": round(summary.p95, 2)}


async def checkpoint(
    path: Path, corpus: Corpus, client: EmbeddingsClient | None, chunks: int
) -> dict[str, Any]:
    figures: dict[str, Any] = {"chunks": chunks, "rss_mib": round(rss_kib() / 1024)}
    index = await SqliteIndex.open(path)
    figures["lexical"] = await latencies(index, corpus, "lexical", None)
    if client is not None:
        figures["embed query only"] = await embed_latency(corpus, client)
        figures[f"hybrid ({index.driver.name})"] = await latencies(index, corpus, "hybrid", client)
        figures["hybrid (numpy scan)"] = numpy_scan_latency(path)
    await index.close()
    return figures


def numpy_scan_latency(path: Path) -> dict[str, float]:
    """Hybrid latency with the standard sqlite3 (NumPy scan), measured in another process.

    Two SQLite libraries in one process must not open the same file: closing it in one
    drops the other's POSIX locks. So the standard-library measurement runs apart.
    """
    child = subprocess.run(
        [sys.executable, __file__, "--numpy-scan", str(path)],
        capture_output=True,
        text=True,
        check=True,
    )
    return dict(json.loads(child.stdout.strip().splitlines()[-1]))


async def measure_numpy_scan(path: Path) -> None:
    corpus = Corpus(vocabulary(random.Random(7)))
    client = EmbeddingsClient("fake-embedding", client=FakeOpenAI(record=False).client())
    index = await SqliteIndex.open(path, driver=stdlib_driver())
    print(json.dumps(await latencies(index, corpus, "hybrid", client)))
    await index.close()


async def ingest_store(path: Path, files: int, client: EmbeddingsClient | None) -> dict[str, Any]:
    corpus = Corpus(vocabulary(random.Random(7)))
    index = await SqliteIndex.open(path)
    ingestor = Ingestor(index, embeddings=client, concurrency=4)
    chunks, ingest_seconds, points = 0, 0.0, []
    pending = list(CHECKPOINTS)
    for start in range(0, files, 32):
        texts = [corpus.text() for _ in range(min(32, files - start))]
        began = time.perf_counter()
        results = await asyncio.gather(
            *(
                ingestor.ingest(f"file-{start + i}", f"doc{start + i}.txt", t)
                for i, t in enumerate(texts)
            )
        )
        ingest_seconds += time.perf_counter() - began
        assert {r.status for r in results} == {"completed"}, results[0].last_error
        chunks += sum(r.chunk_count for r in results)
        while pending and chunks >= pending[0]:
            points.append(await checkpoint(path, corpus, client, chunks))
            pending.pop(0)
            print(f"  {points[-1]}", flush=True)
    await index.close()
    return {
        "files": files,
        "chunks": chunks,
        "files_per_s": round(files / ingest_seconds, 1),
        "chunks_per_s": round(chunks / ingest_seconds, 1),
        "ingest_s": round(ingest_seconds, 1),
        "db_mib": round(sum(p.stat().st_size for p in path.parent.glob(path.name + "*")) / 2**20),
        "peak_rss_mib": round(peak_rss_kib() / 1024),
        "checkpoints": points,
    }


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=10_000)
    parser.add_argument("--no-embeddings-only", action="store_true", help="skip the hybrid store")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    parser.add_argument("--numpy-scan", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.numpy_scan:
        await measure_numpy_scan(args.numpy_scan)
        return
    print(f"driver: {default_driver().name}; {args.files} files", flush=True)
    report: dict[str, Any] = {}
    with tempfile.TemporaryDirectory() as folder:
        print("full text only:", flush=True)
        report["full_text"] = await ingest_store(Path(folder, "vs_text.sqlite3"), args.files, None)
        print(json.dumps({k: v for k, v in report["full_text"].items() if k != "checkpoints"}))
        if not args.no_embeddings_only:
            fake = FakeOpenAI(record=False)
            client = EmbeddingsClient("fake-embedding", client=fake.client())
            print("with embeddings:", flush=True)
            report["embedded"] = await ingest_store(
                Path(folder, "vs_vec.sqlite3"), args.files, client
            )
            print(json.dumps({k: v for k, v in report["embedded"].items() if k != "checkpoints"}))
    if args.json:
        args.json.write_text(json.dumps(report, indent=2))


if __name__ == "__main__":
    asyncio.run(main())
