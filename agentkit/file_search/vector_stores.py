"""`VectorStores`: the vector store API for library use, as ``client.vector_stores`` has it.

Records live in a `VectorStoreStore` (the run store: SQLite, memory or Postgres), the
files' bytes in `agentkit.files.Files`, and each vector store's chunks in its own SQLite
index beside the database (``agentkit.db`` → ``agentkit.db.vector_stores/vs_....sqlite3``),
so ingesting never blocks run writes. Files are ingested in the background, a bounded
number at a time; ``agentkit serve`` uses the same class behind ``/v1/vector_stores``.
"""

from __future__ import annotations

import asyncio
import builtins
import copy
import shutil
import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from agentkit.exceptions import UserError
from agentkit.file_search.chunking import ChunkingStrategy
from agentkit.file_search.embeddings import EmbeddingsClient
from agentkit.file_search.errors import IndexMissingError, VectorStoreExpiredError
from agentkit.file_search.file_batches import FileBatches
from agentkit.file_search.index import SearchHit
from agentkit.file_search.index_pool import IndexPool
from agentkit.file_search.ingestion_queue import IngestionQueue
from agentkit.file_search.search import SearchRequest, search
from agentkit.file_search.sqlite_driver import SqliteDriver
from agentkit.file_search.tokens import MAX_FILE_TOKENS
from agentkit.file_search.vector_store_context import (
    VectorStoreContext,
    check_expires_after,
    check_metadata,
    expiry,
)
from agentkit.file_search.vector_store_files import VectorStoreFiles
from agentkit.files import Files
from agentkit.records import now
from agentkit.stores.base import ListOrder
from agentkit.stores.memory import MemoryStore
from agentkit.stores.sqlite import SQLiteStore
from agentkit.stores.vector_store_records import ExpiresAfter, VectorStore
from agentkit.stores.vector_stores import VectorStoreStore

__all__ = ["VectorStores"]


class VectorStores:
    """A project's vector stores: create, list, change, delete and search them.

    Args:
        files: the files the vector stores hold (their bytes and metadata).
        store: where the records go (default: ``files.store``; `SQLiteStore`, `MemoryStore`
            and `PostgresStore` are `VectorStoreStore`s too).
        directory: where the indexes go (default: beside a `SQLiteStore`'s database,
            ``<db>.vector_stores``; for a `MemoryStore`, a temporary directory removed by
            `aclose`). Required for any other store: the store keeps the records, and the
            indexes must outlive the process as they do.
        embeddings: embeds chunks and queries (hybrid search); None: full text only.
        concurrency: files ingested at once.
        max_file_tokens: files with more tokens fail (the API's limit by default).
        driver: the SQLite module for the indexes (default: the best one here).

    Raises:
        UserError: the store keeps no vector store records, ``concurrency`` is below 1, or
            ``directory`` is missing for a store other than `SQLiteStore` or `MemoryStore`.

    Example:
        ```python
        stores = VectorStores(files)
        store = await stores.create(name="handbook", file_ids=[report.id])
        await stores.files.wait(store.id, report.id)
        hits = await stores.search(store.id, "refund policy")
        ```
    """

    def __init__(
        self,
        files: Files,
        store: VectorStoreStore | None = None,
        *,
        directory: Path | str | None = None,
        embeddings: EmbeddingsClient | None = None,
        concurrency: int = 4,
        max_file_tokens: int = MAX_FILE_TOKENS,
        driver: SqliteDriver | None = None,
    ) -> None:
        records = store if store is not None else files.store
        if not isinstance(records, VectorStoreStore):
            raise UserError("VectorStores(store=...) needs a VectorStoreStore for the records.")
        if concurrency < 1:
            raise UserError(f"VectorStores(concurrency=...) must be at least 1, not {concurrency}.")
        if directory is None and not isinstance(records, SQLiteStore | MemoryStore):
            raise UserError(
                f"VectorStores over a {type(records).__name__} needs directory=: where this "
                "process keeps the vector stores' search indexes (the store keeps their "
                "records, not their chunks)."
            )
        self._temporary = directory is None and isinstance(records, MemoryStore)
        self._owner = True
        if directory is not None:
            folder = Path(directory)
        elif isinstance(records, SQLiteStore):
            folder = Path(records.path + ".vector_stores")
        else:
            folder = Path(tempfile.mkdtemp(prefix="agentkit-vector-stores-"))
        self.embeddings = embeddings
        pool = IndexPool(folder, driver=driver)
        queue = IngestionQueue(
            pool, embeddings=embeddings, concurrency=concurrency, max_file_tokens=max_file_tokens
        )
        self._context = VectorStoreContext(records, files, pool, queue)
        self.files = VectorStoreFiles(self._context)
        self.file_batches = FileBatches(self._context)

    @property
    def uploads(self) -> Files:
        """The files the vector stores hold (the Files API's)."""
        return self._context.files

    @property
    def records(self) -> VectorStoreStore:
        """Where the vector store records are kept."""
        return self._context.records

    @property
    def directory(self) -> Path:
        """Where the vector stores' index files are."""
        return self._context.pool.directory

    def scoped(self, files: Files, store: VectorStoreStore | None = None) -> VectorStores:
        """Another project's view: its files and records, these indexes and this queue."""
        records = store if store is not None else files.store
        if not isinstance(records, VectorStoreStore):
            raise UserError("VectorStores.scoped(store=...) needs a VectorStoreStore.")
        view = copy.copy(self)
        view._temporary, view._owner = False, False
        context = self._context
        view._context = VectorStoreContext(records, files, context.pool, context.queue)
        view.files = VectorStoreFiles(view._context)
        view.file_batches = FileBatches(view._context)
        return view

    async def create(
        self,
        *,
        name: str | None = None,
        file_ids: Sequence[str] = (),
        chunking_strategy: Mapping[str, Any] | None = None,
        expires_after: ExpiresAfter | Mapping[str, Any] | None = None,
        metadata: Mapping[str, str] | None = None,
        description: str | None = None,
    ) -> VectorStore:
        """Create a vector store, adding ``file_ids`` (ingested in the background).

        Raises:
            NotFoundError: one of ``file_ids`` does not exist (nothing is created).
            UserError: invalid chunking, expiry or metadata (nothing is created).
        """
        context = self._context
        strategy = ChunkingStrategy.parse(chunking_strategy)
        policy = check_expires_after(expires_after)
        for file_id in file_ids:
            await context.files.get(file_id)
        stamp = now()
        store = VectorStore(
            name=name or "",
            description=description,
            metadata=check_metadata(metadata),
            expires_after=policy,
            last_active_at=stamp,
            expires_at=expiry(policy, stamp),
        )
        await context.records.save_vector_store(store)
        for file_id in dict.fromkeys(file_ids):
            await context.add(store.id, file_id, chunking_strategy=strategy)
        return await context.present(store)

    async def get(self, vector_store_id: str) -> VectorStore:
        """The vector store, with its status, bytes and file counts (`NotFoundError`)."""
        context = self._context
        return await context.present(await context.records.get_vector_store(vector_store_id))

    async def list(
        self,
        *,
        order: ListOrder = "desc",
        after: str | None = None,
        before: str | None = None,
        limit: int | None = None,
    ) -> builtins.list[VectorStore]:
        """The project's vector stores (newest first by default)."""
        context = self._context
        stores = await context.records.list_vector_stores(
            order=order, after=after, before=before, limit=limit
        )
        return [await context.present(store) for store in stores]

    async def update(
        self,
        vector_store_id: str,
        *,
        name: str | None = None,
        metadata: Mapping[str, str] | None = None,
        expires_after: ExpiresAfter | Mapping[str, Any] | None = None,
        clear_expiry: bool = False,
    ) -> VectorStore:
        """Change the name, metadata or expiry (None leaves a field as it is).

        ``clear_expiry`` removes the expiration policy.
        """
        context = self._context
        store = await context.records.get_vector_store(vector_store_id)
        changes: dict[str, Any] = {}
        if name is not None:
            changes["name"] = name
        if metadata is not None:
            changes["metadata"] = check_metadata(metadata)
        if expires_after is not None or clear_expiry:
            changes["expires_after"] = None if clear_expiry else check_expires_after(expires_after)
        store = store.model_copy(update=changes)
        return await context.present(await context.touch(store))

    async def delete(self, vector_store_id: str) -> None:
        """Delete the vector store: its records, its ingestions, its index.

        The files stay in the Files API. A search running on it ends `IndexDeletedError`.

        Raises:
            NotFoundError: no such vector store.
        """
        context = self._context
        await context.records.delete_vector_store(vector_store_id)
        await context.queue.cancel(vector_store_id)
        await context.pool.drop(vector_store_id)

    async def search(
        self,
        vector_store_id: str,
        request: SearchRequest | str | Mapping[str, Any],
        **options: Any,
    ) -> builtins.list[SearchHit]:
        """The chunks that best answer ``request``.

        ``request`` is a `SearchRequest`, the query text (``options`` are then
        `SearchRequest`'s other fields), or a search endpoint's JSON body.

        Raises:
            NotFoundError: no such vector store.
            UserError: an invalid request (a malformed filter, ``max_num_results``...).
            VectorStoreExpiredError: it expired.
            IndexDeletedError: it was deleted while the search ran.
            IndexMissingError: it has ingested files, but this process's folder has no index
                of it (it was ingested on another machine, or the folder was removed).
        """
        if isinstance(request, str):
            request = SearchRequest(request, **options)
        elif not isinstance(request, SearchRequest):
            request = SearchRequest.from_api(request)
        context = self._context
        store = await context.records.get_vector_store(vector_store_id)
        if store.expires_at is not None and store.expires_at <= now():
            raise VectorStoreExpiredError(
                f"Vector store {vector_store_id} expired (it was last active at "
                f"{store.last_active_at}); create a new one, or set expires_after anew."
            )
        await context.touch(store)
        index = await context.pool.existing(vector_store_id)
        if index is None:
            await self._check_nothing_ingested(vector_store_id)
            return []
        return await search(index, request, embeddings=self.embeddings)

    async def _check_nothing_ingested(self, vector_store_id: str) -> None:
        """Raise `IndexMissingError` if the vector store has files this process cannot search."""
        totals = await self._context.records.file_totals(vector_store_id)
        if totals.counts.completed:
            raise IndexMissingError(
                f"Vector store {vector_store_id} has {totals.counts.completed} ingested "
                f"file(s), but no search index in {self.directory}: it was ingested by a "
                "process whose index folder this one does not share (another machine), or "
                "the folder was removed. Search it where it was ingested, or add its files "
                "again."
            )

    async def wait(self, vector_store_id: str) -> None:
        """Wait until the vector store's files ingesting in this process are done.

        Bound it with ``asyncio.timeout``; the ingestions go on when it passes.
        """
        await self._context.queue.wait(vector_store_id)

    def ingesting(self, vector_store_id: str) -> int:
        """How many of the vector store's files are being ingested by this process."""
        return self._context.queue.pending(vector_store_id)

    async def resume(self) -> int:
        """Ingest again the files a previous process left ``in_progress`` (at start-up).

        Returns:
            How many files were resumed.
        """
        context = self._context
        left = await context.records.list_vector_store_files(None, status="in_progress")
        resumed = [r for r in left if not context.queue.pending(r.vector_store_id, r.id)]
        for record in resumed:
            context.submit(record)
        return len(resumed)

    async def aclose(self) -> None:
        """Stop the ingestions (their files stay ``in_progress``), close the indexes.

        Only the object built with the constructor does this; its `scoped` views share it.
        """
        if not self._owner:
            return
        context = self._context
        await context.queue.aclose()
        await context.pool.aclose()
        if self._temporary:
            await asyncio.to_thread(shutil.rmtree, context.pool.directory, True)
