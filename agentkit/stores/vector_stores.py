"""Vector stores as the API shows them, and `VectorStoreStore`: where their records persist.

A vector store's chunks live in its search index (`agentkit.file_search`); the store keeps
the records the API returns: the vector store, each file in it (with its status,
``usage_bytes`` and ``last_error``) and each file batch. ``file_counts``, ``usage_bytes``
and the statuses derived from the files are computed from the files' records
(`VectorStoreStore.file_totals`), never kept twice. Like every store, a vector store store
sees only its own project's records: another project's ids are `NotFoundError`.
"""

from __future__ import annotations

import typing
from abc import ABC, abstractmethod

from agentkit.exports import lazy_exports as _lazy_exports
from agentkit.stores.base import ListOrder

if typing.TYPE_CHECKING:
    from agentkit.stores.vector_store_records import (
        ExpiresAfter,
        FileCounts,
        FileTotals,
        VectorStore,
        VectorStoreFile,
        VectorStoreFileBatch,
        VectorStoreFileError,
        VectorStoreFileStatus,
    )

__all__ = [
    "ExpiresAfter",
    "FileCounts",
    "FileTotals",
    "VectorStore",
    "VectorStoreFile",
    "VectorStoreFileBatch",
    "VectorStoreFileError",
    "VectorStoreFileStatus",
    "VectorStoreStore",
]

_RECORDS = [name for name in __all__ if name != "VectorStoreStore"]

# The records load on first use (they are in `agentkit.stores.vector_store_records`): every
# store implements this contract, few runs touch a vector store.
if not typing.TYPE_CHECKING:
    __getattr__, __dir__ = _lazy_exports(
        globals(), {"agentkit.stores.vector_store_records": _RECORDS}
    )


class VectorStoreStore(ABC):
    """Vector store records, per project. All coroutines.

    `MemoryStore` and `SQLiteStore` implement it; a store of your own adds these methods
    (and passes the vector store contract tests in ``tests/stores``). A vector store file
    is keyed by ``(vector_store_id, file id)``.
    """

    project: str = ""

    @abstractmethod
    async def save_vector_store(self, store: VectorStore) -> None:
        """Insert a vector store or replace it (`NotFoundError`: another project's id)."""

    @abstractmethod
    async def get_vector_store(self, vector_store_id: str) -> VectorStore:
        """The vector store with this id (`NotFoundError` if there is none here)."""

    @abstractmethod
    async def list_vector_stores(
        self,
        *,
        order: ListOrder = "desc",
        after: str | None = None,
        before: str | None = None,
        limit: int | None = None,
    ) -> list[VectorStore]:
        """Vector stores by creation order, paged by ``after``/``before`` ids."""

    @abstractmethod
    async def delete_vector_store(self, vector_store_id: str) -> None:
        """Delete a vector store with its files and batches (`NotFoundError` if none)."""

    @abstractmethod
    async def put_vector_store_file(self, file: VectorStoreFile) -> None:
        """Add a file to its vector store, replacing the record of the same file there.

        Raises:
            NotFoundError: the vector store does not exist (any more).
        """

    @abstractmethod
    async def update_vector_store_file(
        self, file: VectorStoreFile, *, expected_status: VectorStoreFileStatus | None = None
    ) -> bool:
        """Replace an existing file record; False if it is gone or not in ``expected_status``.

        The check and the write are one step (compare-and-set), so an ingestion that ends
        never overwrites a deletion or a cancellation that came first.
        """

    @abstractmethod
    async def get_vector_store_file(self, vector_store_id: str, file_id: str) -> VectorStoreFile:
        """The file in this vector store (`NotFoundError` if it is not there)."""

    @abstractmethod
    async def list_vector_store_files(
        self,
        vector_store_id: str | None,
        *,
        status: VectorStoreFileStatus | None = None,
        batch_id: str | None = None,
        file_id: str | None = None,
        order: ListOrder = "desc",
        after: str | None = None,
        before: str | None = None,
        limit: int | None = None,
    ) -> list[VectorStoreFile]:
        """Files of one vector store (or, with None, of all of them), by when they were added.

        ``status``, ``batch_id`` and ``file_id`` filter; ``after``/``before`` are file ids
        (with a vector store given). `NotFoundError` if the vector store does not exist.
        """

    @abstractmethod
    async def delete_vector_store_file(self, vector_store_id: str, file_id: str) -> None:
        """Remove a file from a vector store (`NotFoundError` if it is not there)."""

    @abstractmethod
    async def file_totals(self, vector_store_id: str, *, batch_id: str | None = None) -> FileTotals:
        """The vector store's (or one of its batches') files by status, and their bytes."""

    @abstractmethod
    async def save_file_batch(self, batch: VectorStoreFileBatch) -> None:
        """Insert or replace a file batch (`NotFoundError` if its vector store is gone)."""

    @abstractmethod
    async def get_file_batch(self, vector_store_id: str, batch_id: str) -> VectorStoreFileBatch:
        """The batch of this vector store (`NotFoundError` if there is none)."""
