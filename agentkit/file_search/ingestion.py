"""`Ingestor`: a file in, searchable chunks out, and its status in the API's terms.

For each file, with at most ``concurrency`` files at once::

    begin_file                  the file is registered at once (a deletion from now on wins)
    extract + tokenize          in a worker thread; a bad file ends ``failed`` (``last_error``)
    chunk, embed, add_chunks    a batch at a time, so memory stays bounded
    commit_file                 the chunks become searchable in one transaction

The result is what the vector store file records: ``completed`` with ``usage_bytes``,
``failed`` with ``last_error`` (nothing of the file is left in the index), or ``cancelled``
when the file was deleted meanwhile. Ingesting the same file again — after a crash left it
``in_progress``, or to re-chunk it — is safe: the new attempt replaces whatever the old one
wrote, and a finished file stays searchable until the new chunks are committed.
"""

from __future__ import annotations

import asyncio
import logging
from array import array
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from agentkit.exceptions import ModelError
from agentkit.file_search.attributes import AttributeValue, validate_attributes
from agentkit.file_search.chunking import ChunkingStrategy, ChunkWindow
from agentkit.file_search.embeddings import EmbeddingsClient
from agentkit.file_search.errors import (
    FileDeletedError,
    IndexDeletedError,
    IngestError,
    LastErrorCode,
)
from agentkit.file_search.extraction import FileSource, extract_text
from agentkit.file_search.index import Chunk, IndexedFile, SearchIndex, VectorSpace
from agentkit.file_search.tokens import Tokenizer

__all__ = ["IngestResult", "Ingestor", "LastError"]

# Standard logging: silent unless the application configures it.
_log = logging.getLogger("agentkit.file_search")

IngestStatus = Literal["completed", "failed", "cancelled"]


@dataclass(frozen=True, slots=True)
class LastError:
    """A vector store file's ``last_error``."""

    code: LastErrorCode
    message: str

    def to_api(self) -> dict[str, str]:
        return {"code": self.code, "message": self.message}


@dataclass(frozen=True, slots=True)
class IngestResult:
    """How ingesting one file ended, in the fields a vector store file reports.

    Attributes:
        file_id: the file.
        status: ``completed``, ``failed`` or ``cancelled`` (deleted while ingesting).
        usage_bytes: the bytes its chunks (text and vectors) take in the index.
        last_error: why it failed, else None.
        chunk_count: how many chunks it was cut into.
        token_count: how many tokens its text has.
        chunking_strategy: the strategy used, in the API's ``static`` form.
    """

    file_id: str
    status: IngestStatus
    usage_bytes: int = 0
    last_error: LastError | None = None
    chunk_count: int = 0
    token_count: int = 0
    chunking_strategy: Mapping[str, Any] | None = None


class Ingestor:
    """Ingests files into one index, a bounded number at a time.

    Args:
        index: where the chunks go.
        embeddings: computes a vector per chunk; without it the index is full-text only.
        tokenizer: counts and cuts tokens (default: ``o200k_base``, 5,000,000 tokens at most).
        concurrency: files ingested at once.
        chunks_per_write: chunks embedded and written per step.
    """

    def __init__(
        self,
        index: SearchIndex,
        *,
        embeddings: EmbeddingsClient | None = None,
        tokenizer: Tokenizer | None = None,
        concurrency: int = 4,
        chunks_per_write: int = 256,
    ) -> None:
        self.index = index
        self.embeddings = embeddings
        self.tokenizer = tokenizer if tokenizer is not None else Tokenizer()
        self.chunks_per_write = chunks_per_write
        self._slots = asyncio.Semaphore(concurrency)

    async def ingest(
        self,
        file_id: str,
        filename: str,
        source: FileSource,
        *,
        attributes: Mapping[str, AttributeValue] | None = None,
        chunking: ChunkingStrategy | Mapping[str, Any] | None = None,
    ) -> IngestResult:
        """Index one file and say how it ended; a bad file is a result, never an exception.

        Raises:
            UserError: ``attributes`` or ``chunking`` are invalid (nothing was done).
            IndexDeletedError: the index was dropped.
        """
        strategy = (
            chunking if isinstance(chunking, ChunkingStrategy) else ChunkingStrategy.parse(chunking)
        )
        file = IndexedFile(file_id, filename, validate_attributes(attributes))
        attempt = await self.index.begin_file(file)
        async with self._slots:
            try:
                return await self._ingest(file, source, strategy, attempt)
            except FileDeletedError:
                return IngestResult(file_id, "cancelled", chunking_strategy=strategy.to_api())
            except IngestError as error:
                return await self._failed(file_id, strategy, LastError(error.code, str(error)))
            except IndexDeletedError:
                raise
            except Exception as exc:  # a bug or a broken disk must not stall the store
                _log.warning("ingesting %s failed unexpectedly: %r", file_id, exc)
                message = f"Ingestion failed unexpectedly: {type(exc).__name__}: {exc}"
                return await self._failed(file_id, strategy, LastError("server_error", message))

    async def _failed(
        self, file_id: str, strategy: ChunkingStrategy, error: LastError
    ) -> IngestResult:
        await self.index.delete_file(file_id)
        return IngestResult(
            file_id, "failed", last_error=error, chunking_strategy=strategy.to_api()
        )

    async def _ingest(
        self, file: IndexedFile, source: FileSource, strategy: ChunkingStrategy, attempt: int
    ) -> IngestResult:
        await self._still_wanted(file.file_id, attempt)
        tokens = await asyncio.to_thread(self._tokens, file.filename, source)
        windows = list(strategy.windows(len(tokens)))
        for start in range(0, len(windows), self.chunks_per_write):
            batch = windows[start : start + self.chunks_per_write]
            chunks = await self._chunks(tokens, batch)
            if not await self.index.add_chunks(file.file_id, attempt, chunks):
                raise FileDeletedError(file.file_id)
        stats = await self.index.commit_file(file.file_id, attempt)
        return IngestResult(
            file.file_id,
            "completed",
            usage_bytes=stats.usage_bytes,
            chunk_count=stats.chunk_count,
            token_count=len(tokens),
            chunking_strategy=strategy.to_api(),
        )

    async def _still_wanted(self, file_id: str, attempt: int) -> None:
        if not await self.index.add_chunks(file_id, attempt, []):
            raise FileDeletedError(file_id)

    def _tokens(self, filename: str, source: FileSource) -> array[int]:
        tokens = self.tokenizer.encode(extract_text(filename, source))
        if not tokens:
            raise IngestError(f"{filename} has no text.")
        return tokens

    async def _chunks(self, tokens: array[int], windows: list[ChunkWindow]) -> list[Chunk]:
        def decode() -> list[str]:
            return [self.tokenizer.decode(tokens[w.start : w.end]) for w in windows]

        texts = await asyncio.to_thread(decode)
        vectors = await self._vectors(texts)
        return [
            Chunk(w.index, w.start, w.end, text, None if vectors is None else vectors[i])
            for i, (w, text) in enumerate(zip(windows, texts, strict=True))
        ]

    async def _vectors(self, texts: list[str]) -> list[list[float]] | None:
        if self.embeddings is None:
            return None
        try:
            vectors = await self.embeddings.embed(texts)
        except ModelError as exc:
            message = f"Embedding the file's chunks failed: {exc}"
            raise IngestError(message, code="server_error") from exc
        if vectors:
            await self.index.set_vector_space(VectorSpace(self.embeddings.model, len(vectors[0])))
        return vectors
