"""The vector store records the API returns: vector stores, their files and file batches.

They live apart from `agentkit.stores.vector_stores` (the contract a store implements), so a
store that implements it loads them only when a vector store is used: few runs touch one.
"""

from __future__ import annotations

from typing import Any, Literal, NamedTuple

from pydantic import BaseModel, ConfigDict, Field

from agentkit.records import new_id, now

__all__ = [
    "ExpiresAfter",
    "FileCounts",
    "FileTotals",
    "VectorStore",
    "VectorStoreFile",
    "VectorStoreFileBatch",
    "VectorStoreFileError",
    "VectorStoreFileStatus",
]

VectorStoreFileStatus = Literal["in_progress", "completed", "cancelled", "failed"]
AttributeValue = str | bool | int | float


class _Record(BaseModel):
    # Built on first use: the SQL stores import these, few of their runs touch a vector store.
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
