"""`MemoryStore`'s vector stores: the `VectorStoreStore` methods over dictionaries."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from agentkit.exceptions import NotFoundError
from agentkit.stores.base import ListOrder
from agentkit.stores.paging import page
from agentkit.stores.vector_stores import VectorStoreStore

if TYPE_CHECKING:
    from agentkit.stores.vector_store_records import (
        FileTotals,
        VectorStore,
        VectorStoreFile,
        VectorStoreFileBatch,
        VectorStoreFileStatus,
    )

# The records' module loads when a vector store is first used, not with `MemoryStore`.

__all__ = ["MemoryVectorStores", "VectorStoreTables"]


@dataclass
class VectorStoreTables:
    """The records as JSON (copies nobody can mutate), each table in insertion order."""

    stores: dict[str, tuple[str, str]] = field(default_factory=dict)  # id -> (project, json)
    files: dict[tuple[str, str], str] = field(default_factory=dict)  # (store, file) -> json
    batches: dict[str, tuple[str, str]] = field(default_factory=dict)  # id -> (store, json)


class MemoryVectorStores(VectorStoreStore):
    """The `VectorStoreStore` half of `MemoryStore`."""

    _vector_tables: VectorStoreTables

    def _store_row(self, vector_store_id: str) -> str:
        row = self._vector_tables.stores.get(vector_store_id)
        if row is None or row[0] != self.project:
            raise NotFoundError(f"No vector store found with id {vector_store_id!r}.")
        return row[1]

    async def save_vector_store(self, store: VectorStore) -> None:
        if store.id in self._vector_tables.stores:
            self._store_row(store.id)
        self._vector_tables.stores[store.id] = (self.project, store.model_dump_json())

    async def get_vector_store(self, vector_store_id: str) -> VectorStore:
        from agentkit.stores.vector_store_records import VectorStore

        return VectorStore.model_validate_json(self._store_row(vector_store_id))

    async def list_vector_stores(
        self,
        *,
        order: ListOrder = "desc",
        after: str | None = None,
        before: str | None = None,
        limit: int | None = None,
    ) -> list[VectorStore]:
        from agentkit.stores.vector_store_records import VectorStore

        mine = [
            VectorStore.model_validate_json(data)
            for project, data in self._vector_tables.stores.values()
            if project == self.project
        ]
        return page(mine, key=_id, order=order, after=after, before=before, limit=limit)

    async def delete_vector_store(self, vector_store_id: str) -> None:
        self._store_row(vector_store_id)
        tables = self._vector_tables
        del tables.stores[vector_store_id]
        for key in [key for key in tables.files if key[0] == vector_store_id]:
            del tables.files[key]
        for batch_id in [b for b, (store, _) in tables.batches.items() if store == vector_store_id]:
            del tables.batches[batch_id]

    async def put_vector_store_file(self, file: VectorStoreFile) -> None:
        self._store_row(file.vector_store_id)
        self._vector_tables.files[(file.vector_store_id, file.id)] = file.model_dump_json()

    async def update_vector_store_file(
        self, file: VectorStoreFile, *, expected_status: VectorStoreFileStatus | None = None
    ) -> bool:
        key = (file.vector_store_id, file.id)
        try:
            current = await self.get_vector_store_file(*key)
        except NotFoundError:
            return False
        if expected_status is not None and current.status != expected_status:
            return False
        self._vector_tables.files[key] = file.model_dump_json()
        return True

    async def get_vector_store_file(self, vector_store_id: str, file_id: str) -> VectorStoreFile:
        self._store_row(vector_store_id)
        data = self._vector_tables.files.get((vector_store_id, file_id))
        if data is None:
            raise NotFoundError(
                f"No file found with id {file_id!r} in vector store {vector_store_id!r}."
            )
        from agentkit.stores.vector_store_records import VectorStoreFile

        return VectorStoreFile.model_validate_json(data)

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
        from agentkit.stores.vector_store_records import VectorStoreFile

        if vector_store_id is not None:
            self._store_row(vector_store_id)
        mine = {
            store_id
            for store_id, (project, _) in self._vector_tables.stores.items()
            if project == self.project
        }
        files = [
            VectorStoreFile.model_validate_json(data)
            for (store_id, _), data in self._vector_tables.files.items()
            if store_id in mine and vector_store_id in (None, store_id)
        ]
        files = [
            file
            for file in files
            if status in (None, file.status)
            and batch_id in (None, file.batch_id)
            and file_id in (None, file.id)
        ]
        return page(files, key=_id, order=order, after=after, before=before, limit=limit)

    async def delete_vector_store_file(self, vector_store_id: str, file_id: str) -> None:
        await self.get_vector_store_file(vector_store_id, file_id)
        del self._vector_tables.files[(vector_store_id, file_id)]

    async def file_totals(self, vector_store_id: str, *, batch_id: str | None = None) -> FileTotals:
        from agentkit.stores.vector_store_records import FileCounts, FileTotals

        files = await self.list_vector_store_files(vector_store_id, batch_id=batch_id)
        counts = FileCounts(total=len(files))
        for file in files:
            setattr(counts, file.status, getattr(counts, file.status) + 1)
        return FileTotals(counts, sum(file.usage_bytes for file in files))

    async def save_file_batch(self, batch: VectorStoreFileBatch) -> None:
        self._store_row(batch.vector_store_id)
        row = (batch.vector_store_id, batch.model_dump_json())
        self._vector_tables.batches[batch.id] = row

    async def get_file_batch(self, vector_store_id: str, batch_id: str) -> VectorStoreFileBatch:
        self._store_row(vector_store_id)
        row = self._vector_tables.batches.get(batch_id)
        if row is None or row[0] != vector_store_id:
            raise NotFoundError(f"No file batch found with id {batch_id!r}.")
        from agentkit.stores.vector_store_records import VectorStoreFileBatch

        return VectorStoreFileBatch.model_validate_json(row[1])


def _id(record: VectorStore | VectorStoreFile) -> str:
    return record.id
