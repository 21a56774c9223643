"""`PostgresStore`'s vector stores: the `VectorStoreStore` methods over three tables.

The same tables and rules as `SQLiteStore`'s (``agentkit.stores.sqlite_vector_stores``): a
file's status, batch and ``usage_bytes`` have columns of their own, and a vector store's row
supplies the project check of every write to its files and batches. The chunks are not here:
they are in a search index of the process that uses the vector stores (see
`agentkit.file_search.VectorStores`).
"""

from __future__ import annotations

from typing import Any

from agentkit.exceptions import NotFoundError
from agentkit.stores.base import ListOrder
from agentkit.stores.postgres_pool import PostgresPool
from agentkit.stores.postgres_schema import page_query
from agentkit.stores.vector_store_records import (
    FileCounts,
    FileTotals,
    VectorStore,
    VectorStoreFile,
    VectorStoreFileBatch,
    VectorStoreFileStatus,
)
from agentkit.stores.vector_stores import VectorStoreStore

__all__ = ["PostgresVectorStores"]

_UPSERT_STORE = """INSERT INTO agentkit.vector_stores (id, project, data) VALUES (%s, %s, %s)
    ON CONFLICT (id) DO UPDATE SET data = excluded.data
    WHERE vector_stores.project = excluded.project"""
_PUT_FILE = """INSERT INTO agentkit.vector_store_files
    (vector_store_id, id, project, status, batch_id, usage_bytes, data)
    SELECT id, %s, project, %s, %s, %s, %s FROM agentkit.vector_stores
    WHERE id = %s AND project = %s
    ON CONFLICT (vector_store_id, id) DO UPDATE SET status = excluded.status,
    batch_id = excluded.batch_id, usage_bytes = excluded.usage_bytes, data = excluded.data"""
_UPDATE_FILE = """UPDATE agentkit.vector_store_files SET status = %s, batch_id = %s,
    usage_bytes = %s, data = %s WHERE vector_store_id = %s AND id = %s AND project = %s"""
_UPSERT_BATCH = """INSERT INTO agentkit.vector_store_file_batches
    (id, project, vector_store_id, data)
    SELECT %s, project, id, %s FROM agentkit.vector_stores WHERE id = %s AND project = %s
    ON CONFLICT (id) DO UPDATE SET data = excluded.data
    WHERE vector_store_file_batches.project = excluded.project"""
_STORE_EXISTS = "SELECT 1 FROM agentkit.vector_stores WHERE id = %s AND project = %s"


class PostgresVectorStores(VectorStoreStore):
    """The `VectorStoreStore` half of `PostgresStore` (which provides the pool and project)."""

    _db: PostgresPool

    async def save_vector_store(self, store: VectorStore) -> None:
        params = (store.id, self.project, store.model_dump_json())
        if not await self._changed(_UPSERT_STORE, params):
            raise NotFoundError(f"No vector store found with id {store.id!r}.")

    async def get_vector_store(self, vector_store_id: str) -> VectorStore:
        sql = "SELECT data FROM agentkit.vector_stores WHERE id = %s AND project = %s"
        row = await self._one(sql, (vector_store_id, self.project))
        if row is None:
            raise NotFoundError(f"No vector store found with id {vector_store_id!r}.")
        return VectorStore.model_validate_json(row[0])

    async def list_vector_stores(
        self,
        *,
        order: ListOrder = "desc",
        after: str | None = None,
        before: str | None = None,
        limit: int | None = None,
    ) -> list[VectorStore]:
        scope = ("project = %s", (self.project,))
        sql, params = page_query("vector_stores", scope, order, after, before, limit)
        async with self._db.connection() as conn:
            rows = await (await conn.execute(sql, params)).fetchall()
        return [VectorStore.model_validate_json(row[0]) for row in rows]

    async def delete_vector_store(self, vector_store_id: str) -> None:
        # Foreign keys cascade to the store's files and batches.
        sql = "DELETE FROM agentkit.vector_stores WHERE id = %s AND project = %s"
        if not await self._changed(sql, (vector_store_id, self.project)):
            raise NotFoundError(f"No vector store found with id {vector_store_id!r}.")

    async def put_vector_store_file(self, file: VectorStoreFile) -> None:
        params = (*_file_columns(file), file.vector_store_id, self.project)
        if not await self._changed(_PUT_FILE, params):
            raise NotFoundError(f"No vector store found with id {file.vector_store_id!r}.")

    async def update_vector_store_file(
        self, file: VectorStoreFile, *, expected_status: VectorStoreFileStatus | None = None
    ) -> bool:
        status, batch_id, usage, data = _file_columns(file)[1:]
        sql, params = _UPDATE_FILE, [status, batch_id, usage, data]
        params += [file.vector_store_id, file.id, self.project]
        if expected_status is not None:
            sql += " AND status = %s"
            params.append(expected_status)
        return await self._changed(sql, tuple(params))

    async def get_vector_store_file(self, vector_store_id: str, file_id: str) -> VectorStoreFile:
        sql = (
            "SELECT data FROM agentkit.vector_store_files "
            "WHERE vector_store_id = %s AND id = %s AND project = %s"
        )
        row = await self._one(sql, (vector_store_id, file_id, self.project))
        if row is None:
            raise NotFoundError(
                f"No file found with id {file_id!r} in vector store {vector_store_id!r}."
            )
        return VectorStoreFile.model_validate_json(row[0])

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
        where, values = "project = %s", [self.project]
        for column, value in (
            ("vector_store_id", vector_store_id),
            ("status", status),
            ("batch_id", batch_id),
            ("id", file_id),
        ):
            if value is not None:
                where += f" AND {column} = %s"
                values.append(value)
        sql, params = page_query(
            "vector_store_files", (where, tuple(values)), order, after, before, limit
        )
        async with self._db.connection() as conn, conn.transaction():
            if vector_store_id is not None:
                exists = await conn.execute(_STORE_EXISTS, (vector_store_id, self.project))
                if await exists.fetchone() is None:
                    raise NotFoundError(f"No vector store found with id {vector_store_id!r}.")
            rows = await (await conn.execute(sql, params)).fetchall()
        return [VectorStoreFile.model_validate_json(row[0]) for row in rows]

    async def delete_vector_store_file(self, vector_store_id: str, file_id: str) -> None:
        sql = (
            "DELETE FROM agentkit.vector_store_files "
            "WHERE vector_store_id = %s AND id = %s AND project = %s"
        )
        if not await self._changed(sql, (vector_store_id, file_id, self.project)):
            raise NotFoundError(
                f"No file found with id {file_id!r} in vector store {vector_store_id!r}."
            )

    async def file_totals(self, vector_store_id: str, *, batch_id: str | None = None) -> FileTotals:
        sql = (
            "SELECT status, count(*), coalesce(sum(usage_bytes), 0) "
            "FROM agentkit.vector_store_files WHERE vector_store_id = %s AND project = %s"
        )
        params: tuple[Any, ...] = (vector_store_id, self.project)
        if batch_id is not None:
            sql, params = sql + " AND batch_id = %s", (*params, batch_id)
        sql += " GROUP BY status"
        async with self._db.connection() as conn:
            rows = await (await conn.execute(sql, params)).fetchall()
        counts = {status: int(count) for status, count, _ in rows}
        usage_bytes = sum(int(usage) for _, _, usage in rows)
        return FileTotals(FileCounts(**counts, total=sum(counts.values())), usage_bytes)

    async def save_file_batch(self, batch: VectorStoreFileBatch) -> None:
        params = (batch.id, batch.model_dump_json(), batch.vector_store_id, self.project)
        if not await self._changed(_UPSERT_BATCH, params):
            raise NotFoundError(f"No vector store found with id {batch.vector_store_id!r}.")

    async def get_file_batch(self, vector_store_id: str, batch_id: str) -> VectorStoreFileBatch:
        sql = (
            "SELECT data FROM agentkit.vector_store_file_batches "
            "WHERE id = %s AND vector_store_id = %s AND project = %s"
        )
        row = await self._one(sql, (batch_id, vector_store_id, self.project))
        if row is None:
            raise NotFoundError(f"No file batch found with id {batch_id!r}.")
        return VectorStoreFileBatch.model_validate_json(row[0])

    async def _one(self, sql: str, params: tuple[Any, ...]) -> Any:
        async with self._db.connection() as conn:
            return await (await conn.execute(sql, params)).fetchone()

    async def _changed(self, sql: str, params: tuple[Any, ...]) -> bool:
        """Whether the statement changed a row."""
        async with self._db.connection() as conn:
            return bool((await conn.execute(sql, params)).rowcount)


def _file_columns(file: VectorStoreFile) -> tuple[str, str, str | None, int, str]:
    return (file.id, file.status, file.batch_id, file.usage_bytes, file.model_dump_json())
