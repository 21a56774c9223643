"""`IngestionQueue`: vector store files ingested in the background, a bounded number at once.

Adding a file to a vector store records it ``in_progress`` and submits an `IngestJob`; the
job waits for one of ``concurrency`` slots, ingests the file into its store's index and
records how it ended (``completed`` with ``usage_bytes``, or ``failed`` with ``last_error``)
with a compare-and-set on ``in_progress``. So a deletion or a cancellation that came first
always wins: the job's write is refused and what it indexed is removed. A file left
``in_progress`` by a process that died is simply submitted again (`VectorStores.resume`).

The tokenizer (about 200 MiB of tables, seconds to build) is loaded by the first job, in a
worker thread, so a process that never ingests never pays for it.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from dataclasses import dataclass
from typing import Any

from agentkit.exceptions import NotFoundError
from agentkit.file_search.embeddings import EmbeddingsClient
from agentkit.file_search.errors import IndexDeletedError
from agentkit.file_search.index_pool import IndexPool
from agentkit.file_search.ingestion import Ingestor, IngestResult, LastError
from agentkit.file_search.tokens import MAX_FILE_TOKENS, Tokenizer
from agentkit.files import Files
from agentkit.stores.vector_store_records import VectorStoreFile, VectorStoreFileError
from agentkit.stores.vector_stores import VectorStoreStore

__all__ = ["IngestJob", "IngestionQueue"]

_log = logging.getLogger("agentkit.file_search")

Key = tuple[str, str]  # (vector store id, file id)


@dataclass(frozen=True, slots=True)
class IngestJob:
    """One file to ingest: its ``in_progress`` record, and the project's records and files."""

    record: VectorStoreFile
    records: VectorStoreStore
    files: Files

    @property
    def key(self) -> Key:
        return (self.record.vector_store_id, self.record.id)


class IngestionQueue:
    """Runs ingestion jobs in tasks of their own, at most ``concurrency`` at once.

    Args:
        pool: the vector stores' indexes.
        embeddings: embeds every chunk (None: full-text search only).
        concurrency: files ingested at once, across every vector store.
        max_file_tokens: a file with more tokens fails (``invalid_file``).
    """

    def __init__(
        self,
        pool: IndexPool,
        *,
        embeddings: EmbeddingsClient | None = None,
        concurrency: int = 4,
        max_file_tokens: int = MAX_FILE_TOKENS,
    ) -> None:
        self.pool = pool
        self.embeddings = embeddings
        self.max_file_tokens = max_file_tokens
        self._slots = asyncio.Semaphore(concurrency)
        self._tasks: dict[Key, asyncio.Task[None]] = {}
        self._tokenizer: Tokenizer | None = None
        self._tokenizer_lock = asyncio.Lock()

    def submit(self, job: IngestJob) -> None:
        """Ingest the file in the background, replacing a job for the same file still going."""
        key = job.key
        previous = self._tasks.get(key)
        if previous is not None:
            previous.cancel()
        task = asyncio.create_task(self._run(job), name=f"agentkit-ingest-{key[1]}")
        self._tasks[key] = task
        task.add_done_callback(lambda done: self._forget(key, done))

    def pending(self, vector_store_id: str, file_id: str | None = None) -> int:
        """How many of the vector store's files (or of one file) are queued or ingesting here."""
        return len(self._matching(vector_store_id, file_id))

    async def cancel(self, vector_store_id: str, file_id: str | None = None) -> None:
        """Stop the jobs of a vector store (or of one of its files) and wait until they end."""
        tasks = self._matching(vector_store_id, file_id)
        for task in tasks:
            task.cancel()
        if tasks:
            await asyncio.wait(tasks)

    async def wait(self, vector_store_id: str, file_id: str | None = None) -> None:
        """Wait for the jobs of a vector store (or of one file) to end.

        Bound the wait with ``asyncio.timeout``: the jobs go on when it passes.
        """
        tasks = self._matching(vector_store_id, file_id)
        if tasks:
            await asyncio.wait(tasks)

    async def aclose(self) -> None:
        """Stop every job (their files stay ``in_progress``, to be resumed) and wait."""
        tasks = list(self._tasks.values())
        for task in tasks:
            task.cancel()
        if tasks:
            await asyncio.wait(tasks)

    def _matching(self, vector_store_id: str, file_id: str | None) -> list[asyncio.Task[None]]:
        return [
            task
            for (store_id, key_file), task in self._tasks.items()
            if store_id == vector_store_id and file_id in (None, key_file)
        ]

    def _forget(self, key: Key, task: asyncio.Task[None]) -> None:
        if self._tasks.get(key) is task:
            del self._tasks[key]

    async def _run(self, job: IngestJob) -> None:
        async with self._slots:
            try:
                result = await self._ingest(job)
            except IndexDeletedError:
                return  # the vector store was deleted: its records went with it
            except Exception as exc:  # a bug or a broken disk must not leave the file stuck
                _log.warning("ingesting %s failed unexpectedly: %r", job.record.id, exc)
                error = LastError("server_error", f"Ingestion failed: {type(exc).__name__}: {exc}")
                result = IngestResult(job.record.id, "failed", last_error=error)
            if result.status != "cancelled":
                await self._record(job, result)

    async def _ingest(self, job: IngestJob) -> IngestResult:
        file_id = job.record.id
        try:
            meta = await job.files.get(file_id)
            source = await job.files.local_path(file_id)
        except NotFoundError:
            message = f"File {file_id} was deleted from the Files API before it was ingested."
            return IngestResult(file_id, "failed", last_error=LastError("invalid_file", message))
        index = await self.pool.index(job.record.vector_store_id)
        ingestor = Ingestor(index, embeddings=self.embeddings, tokenizer=await self._tokens())
        return await ingestor.ingest(
            file_id,
            meta.filename,
            source,
            attributes=job.record.attributes,
            chunking=job.record.chunking_strategy,
        )

    async def _record(self, job: IngestJob, result: IngestResult) -> None:
        error = result.last_error
        update: dict[str, Any] = {
            "status": result.status,
            "usage_bytes": result.usage_bytes,
            "last_error": None if error is None else VectorStoreFileError(**error.to_api()),
        }
        if result.chunking_strategy is not None:
            update["chunking_strategy"] = dict(result.chunking_strategy)
        done = job.record.model_copy(update=update)
        with contextlib.suppress(NotFoundError):
            if await job.records.update_vector_store_file(done, expected_status="in_progress"):
                return
        # Deleted or cancelled while it was ingested: what it wrote goes too.
        with contextlib.suppress(IndexDeletedError):
            index = await self.pool.index(job.record.vector_store_id)
            await index.delete_file(job.record.id)

    async def _tokens(self) -> Tokenizer:
        async with self._tokenizer_lock:
            if self._tokenizer is None:
                limit = self.max_file_tokens
                self._tokenizer = await asyncio.to_thread(Tokenizer, max_tokens=limit)
            return self._tokenizer
