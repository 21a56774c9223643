"""`PostgresStore`'s vector stores: the `VectorStoreStore` methods over three tables.

The same tables and SQL as `SQLiteStore`'s (`agentkit.stores.vector_store_sql`). The chunks
are not here: they are in a search index of the process that uses the vector stores (see
`agentkit.file_search.VectorStores`).
"""

from __future__ import annotations

from typing import Any

from agentkit.exceptions import NotFoundError
from agentkit.stores.base import ListOrder
from agentkit.stores.postgres_pool import PostgresPool
from agentkit.stores.postgres_schema import page_query
from agentkit.stores.sql_paging import POSTGRES
from agentkit.stores.vector_store_records import (
    FileTotals,
    VectorStore,
    VectorStoreFile,
    VectorStoreFileBatch,
    VectorStoreFileStatus,
)
from agentkit.stores.vector_store_sql import (
    VectorStoreSql,
    file_columns,
    file_totals,
    files_scope,
    totals_query,
)
from agentkit.stores.vector_stores import VectorStoreStore

__all__ = ["PostgresVectorStores"]

_SQL = VectorStoreSql.of(POSTGRES)


class PostgresVectorStores(VectorStoreStore):
    """The `VectorStoreStore` half of `PostgresStore` (which provides the pool and project)."""

    _db: PostgresPool

    async def save_vector_store(self, store: VectorStore) -> None:
        params = (store.id, self.project, store.model_dump_json())
        if not await self._changed(_SQL.upsert_store, params):
            raise NotFoundError(f"No vector store found with id {store.id!r}.")

    async def get_vector_store(self, vector_store_id: str) -> VectorStore:
        row = await self._one(_SQL.get_store, (vector_store_id, self.project))
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
        if not await self._changed(_SQL.delete_store, (vector_store_id, self.project)):
            raise NotFoundError(f"No vector store found with id {vector_store_id!r}.")

    async def put_vector_store_file(self, file: VectorStoreFile) -> None:
        params = (*file_columns(file), file.vector_store_id, self.project)
        if not await self._changed(_SQL.put_file, params):
            raise NotFoundError(f"No vector store found with id {file.vector_store_id!r}.")

    async def update_vector_store_file(
        self, file: VectorStoreFile, *, expected_status: VectorStoreFileStatus | None = None
    ) -> bool:
        status, batch_id, usage, data = file_columns(file)[1:]
        sql = _SQL.update_file
        params: tuple[Any, ...] = (status, batch_id, usage, data)
        params += (file.vector_store_id, file.id, self.project)
        if expected_status is not None:
            sql, params = sql + " AND status = %s", (*params, expected_status)
        return await self._changed(sql, params)

    async def get_vector_store_file(self, vector_store_id: str, file_id: str) -> VectorStoreFile:
        row = await self._one(_SQL.get_file, (vector_store_id, file_id, self.project))
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
        scope = files_scope(POSTGRES, self.project, vector_store_id, status, batch_id, file_id)
        sql, params = page_query("vector_store_files", scope, order, after, before, limit)
        async with self._db.connection() as conn, conn.transaction():
            if vector_store_id is not None:
                exists = await conn.execute(_SQL.store_exists, (vector_store_id, self.project))
                if await exists.fetchone() is None:
                    raise NotFoundError(f"No vector store found with id {vector_store_id!r}.")
            rows = await (await conn.execute(sql, params)).fetchall()
        return [VectorStoreFile.model_validate_json(row[0]) for row in rows]

    async def delete_vector_store_file(self, vector_store_id: str, file_id: str) -> None:
        if not await self._changed(_SQL.delete_file, (vector_store_id, file_id, self.project)):
            raise NotFoundError(
                f"No file found with id {file_id!r} in vector store {vector_store_id!r}."
            )

    async def file_totals(self, vector_store_id: str, *, batch_id: str | None = None) -> FileTotals:
        sql, params = totals_query(POSTGRES, self.project, vector_store_id, batch_id)
        async with self._db.connection() as conn:
            return file_totals(await (await conn.execute(sql, params)).fetchall())

    async def save_file_batch(self, batch: VectorStoreFileBatch) -> None:
        params = (batch.id, batch.model_dump_json(), batch.vector_store_id, self.project)
        if not await self._changed(_SQL.upsert_batch, params):
            raise NotFoundError(f"No vector store found with id {batch.vector_store_id!r}.")

    async def get_file_batch(self, vector_store_id: str, batch_id: str) -> VectorStoreFileBatch:
        row = await self._one(_SQL.get_batch, (batch_id, vector_store_id, self.project))
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
