"""`SQLiteStore`'s vector stores: the `VectorStoreStore` methods over three tables.

The SQL is shared with the Postgres store (`agentkit.stores.vector_store_sql`).
"""

from __future__ import annotations

import sqlite3
from typing import Any

from agentkit.exceptions import NotFoundError
from agentkit.stores.base import ListOrder
from agentkit.stores.sql_paging import SQLITE
from agentkit.stores.sqlite_connection import SQLiteConnection
from agentkit.stores.sqlite_schema import page_query
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

__all__ = ["SQLiteVectorStores"]

_SQL = VectorStoreSql.of(SQLITE)


class SQLiteVectorStores(VectorStoreStore):
    """The `VectorStoreStore` half of `SQLiteStore` (which provides the connection)."""

    _db: SQLiteConnection

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
        scope = ("project = ?", (self.project,))
        sql, params = page_query("vector_stores", scope, order, after, before, limit)
        rows = await self._db.run(lambda conn: conn.execute(sql, params).fetchall())
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
            sql, params = sql + " AND status = ?", (*params, expected_status)
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
        scope = files_scope(SQLITE, self.project, vector_store_id, status, batch_id, file_id)
        query = page_query("vector_store_files", scope, order, after, before, limit)
        exists = (vector_store_id, self.project)

        def op(conn: sqlite3.Connection) -> list[Any] | None:
            if (
                vector_store_id is not None
                and not conn.execute(_SQL.store_exists, exists).fetchone()
            ):
                return None
            return conn.execute(*query).fetchall()

        rows = await self._db.run(op)
        if rows is None:
            raise NotFoundError(f"No vector store found with id {vector_store_id!r}.")
        return [VectorStoreFile.model_validate_json(row[0]) for row in rows]

    async def delete_vector_store_file(self, vector_store_id: str, file_id: str) -> None:
        if not await self._changed(_SQL.delete_file, (vector_store_id, file_id, self.project)):
            raise NotFoundError(
                f"No file found with id {file_id!r} in vector store {vector_store_id!r}."
            )

    async def file_totals(self, vector_store_id: str, *, batch_id: str | None = None) -> FileTotals:
        sql, params = totals_query(SQLITE, self.project, vector_store_id, batch_id)
        return file_totals(await self._db.run(lambda conn: conn.execute(sql, params).fetchall()))

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
        return await self._db.run(lambda conn: conn.execute(sql, params).fetchone())

    async def _changed(self, sql: str, params: tuple[Any, ...]) -> bool:
        """Whether the statement changed a row."""
        return bool(await self._db.run(lambda conn: conn.execute(sql, params).rowcount))
