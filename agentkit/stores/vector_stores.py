"""Vector stores as the API shows them, and `VectorStoreStore`: where their records persist.

A vector store's chunks live in its search index (`agentkit.file_search`); the store keeps
the records the API returns: the vector store, each file in it (with its status,
``usage_bytes`` and ``last_error``) and each file batch. ``file_counts``, ``usage_bytes``
and the statuses derived from the files are computed from the files' records
(`VectorStoreStore.file_totals`), never kept twice. Like every store, a vector store store
sees only its own project's records: another project's ids are `NotFoundError`.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Any, Literal, NamedTuple

from pydantic import BaseModel, ConfigDict, Field

from agentkit.records import new_id, now
from agentkit.stores.base import ListOrder

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

VectorStoreFileStatus = Literal["in_progress", "completed", "cancelled", "failed"]
AttributeValue = str | bool | int | float


class _Record(BaseModel):
    # Built on first use: every store imports these, few runs touch a vector store.
    model_config = ConfigDict(extra="ignore", defer_build=True)

    def wire(self) -> dict[str, Any]:
        """The object as the API sends it."""
        return self.model_dump(mode="json")


class FileCounts(_Record):
    """How many files of a vector store (or a batch) are in each status."""

    in_progress: int = 0
    completed: int = 0
    failed: int = 0
    cancelled: int = 0
    total: int = 0


class ExpiresAfter(_Record):
    """A vector store's expiration policy: ``days`` after it was last active."""

    anchor: Literal["last_active_at"] = "last_active_at"
    days: int


class VectorStore(_Record):
    """A vector store.

    ``status``, ``usage_bytes`` and ``file_counts`` are derived from its files when it is
    read (`agentkit.file_search.VectorStores`); what the store keeps of them is not used.
    """

    id: str = Field(default_factory=lambda: new_id("vs"))
    object: Literal["vector_store"] = "vector_store"
    created_at: int = Field(default_factory=now)
    name: str = ""
    description: str | None = None
    metadata: dict[str, str] = Field(default_factory=dict)
    status: Literal["expired", "in_progress", "completed"] = "completed"
    usage_bytes: int = 0
    file_counts: FileCounts = Field(default_factory=FileCounts)
    expires_after: ExpiresAfter | None = None
    expires_at: int | None = None
    last_active_at: int | None = None


class VectorStoreFileError(_Record):
    """Why a vector store file failed."""

    code: Literal["server_error", "unsupported_file", "invalid_file"]
    message: str


class VectorStoreFile(_Record):
    """A file in a vector store: its ingestion status and what it takes in the index.

    Attributes:
        id: the file's id (``file-...``), as in the Files API.
        batch_id: the file batch that added it, if any (agentkit-only).
    """

    id: str
    object: Literal["vector_store.file"] = "vector_store.file"
    created_at: int = Field(default_factory=now)
    vector_store_id: str
    status: VectorStoreFileStatus = "in_progress"
    usage_bytes: int = 0
    last_error: VectorStoreFileError | None = None
    chunking_strategy: dict[str, Any] | None = None
    attributes: dict[str, AttributeValue] = Field(default_factory=dict)
    batch_id: str | None = None

    def wire(self) -> dict[str, Any]:
        return self.model_dump(mode="json", exclude={"batch_id"})


class VectorStoreFileBatch(_Record):
    """Files added to a vector store together.

    ``status`` is ``in_progress`` or ``cancelled`` as stored; its final value and
    ``file_counts`` are derived from the batch's files when it is read.
    """

    id: str = Field(default_factory=lambda: new_id("vsfb"))
    object: Literal["vector_store.files_batch"] = "vector_store.files_batch"
    created_at: int = Field(default_factory=now)
    vector_store_id: str
    status: Literal["in_progress", "completed", "cancelled", "failed"] = "in_progress"
    file_counts: FileCounts = Field(default_factory=FileCounts)


class FileTotals(NamedTuple):
    """A vector store's (or batch's) files counted by status, and the bytes they use."""

    counts: FileCounts
    usage_bytes: int


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
