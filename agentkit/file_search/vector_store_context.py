"""What the vector store API's parts share: the project's records and files, indexes, queue.

It also derives what the API shows but the store does not keep: a vector store's
``status``, ``usage_bytes`` and ``file_counts`` (from its files), and its expiry
(``expires_at`` is ``last_active_at`` plus ``expires_after.days``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from agentkit.exceptions import UserError
from agentkit.file_search.attributes import AttributeValue, validate_attributes
from agentkit.file_search.chunking import ChunkingStrategy
from agentkit.file_search.index_pool import IndexPool
from agentkit.file_search.ingestion_queue import IngestionQueue, IngestJob
from agentkit.files import Files
from agentkit.records import now
from agentkit.stores.vector_store_records import ExpiresAfter, VectorStore, VectorStoreFile
from agentkit.stores.vector_stores import VectorStoreStore

__all__ = ["VectorStoreContext", "check_expires_after", "check_metadata", "expiry"]

_DAY = 86_400


@dataclass(frozen=True, slots=True)
class VectorStoreContext:
    """One project's view: its records and files; the process's indexes and queue."""

    records: VectorStoreStore
    files: Files
    pool: IndexPool
    queue: IngestionQueue

    async def present(self, store: VectorStore) -> VectorStore:
        """The vector store as the API shows it: status, bytes and counts from its files."""
        totals = await self.records.file_totals(store.id)
        status = "completed"
        if store.expires_at is not None and store.expires_at <= now():
            status = "expired"
        elif totals.counts.in_progress:
            status = "in_progress"
        return store.model_copy(
            update={
                "status": status,
                "usage_bytes": totals.usage_bytes,
                "file_counts": totals.counts,
            }
        )

    async def touch(self, store: VectorStore) -> VectorStore:
        """Mark the vector store active now (its expiry moves with it), and save it."""
        stamp = now()
        touched = store.model_copy(
            update={"last_active_at": stamp, "expires_at": expiry(store.expires_after, stamp)}
        )
        await self.records.save_vector_store(touched)
        return touched

    async def add(
        self,
        vector_store_id: str,
        file_id: str,
        *,
        attributes: Mapping[str, AttributeValue] | None = None,
        chunking_strategy: ChunkingStrategy | Mapping[str, Any] | None = None,
        batch_id: str | None = None,
    ) -> VectorStoreFile:
        """Record a file ``in_progress`` in the vector store and ingest it in the background.

        Raises:
            NotFoundError: no such vector store, or no such file in the Files API.
            UserError: invalid ``attributes`` or ``chunking_strategy``.
        """
        strategy = (
            chunking_strategy
            if isinstance(chunking_strategy, ChunkingStrategy)
            else ChunkingStrategy.parse(chunking_strategy)
        )
        checked = validate_attributes(attributes)
        await self.files.get(file_id)
        record = VectorStoreFile(
            id=file_id,
            vector_store_id=vector_store_id,
            chunking_strategy=strategy.to_api(),
            attributes=checked,
            batch_id=batch_id,
        )
        await self.records.put_vector_store_file(record)
        self.submit(record)
        return record

    def submit(self, record: VectorStoreFile) -> None:
        """Ingest a file recorded ``in_progress``, in the background."""
        self.queue.submit(IngestJob(record, self.records, self.files))


def expiry(expires_after: ExpiresAfter | None, last_active_at: int) -> int | None:
    """When a vector store last active at ``last_active_at`` expires (None: never)."""
    return None if expires_after is None else last_active_at + expires_after.days * _DAY


def check_expires_after(value: ExpiresAfter | Mapping[str, Any] | None) -> ExpiresAfter | None:
    """A validated ``expires_after``: anchor ``last_active_at``, 1 to 365 days.

    Raises:
        UserError: naming the field that is wrong.
    """
    if value is None or isinstance(value, ExpiresAfter):
        return value
    if not isinstance(value, Mapping):
        raise UserError(f"expires_after must be an object, not {value!r}.")
    if value.get("anchor") != "last_active_at":
        raise UserError("expires_after.anchor must be 'last_active_at'.")
    days = value.get("days")
    if isinstance(days, bool) or not isinstance(days, int) or not 1 <= days <= 365:
        raise UserError(f"expires_after.days must be an integer from 1 to 365, not {days!r}.")
    return ExpiresAfter(days=days)


def check_metadata(metadata: Mapping[str, str] | None) -> dict[str, str]:
    """Validated ``metadata``: up to 16 string pairs, keys up to 64 characters, values 512.

    Raises:
        UserError: the first rule broken.
    """
    checked = dict(metadata or {})
    if len(checked) > 16:
        raise UserError("metadata has at most 16 key-value pairs.")
    for key, value in checked.items():
        if not isinstance(key, str) or not isinstance(value, str):
            raise UserError("metadata keys and values must be strings.")
        if len(key) > 64 or len(value) > 512:
            raise UserError("metadata keys are at most 64 characters and values at most 512.")
    return checked
