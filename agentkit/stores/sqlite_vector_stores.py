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
    VectorStoreFileStatus,
)
from agentkit.stores.vector_store_sql import (
    SqlVectorStores,
    VectorStoreSql,
    file_totals,
    files_scope,
    totals_query,
)

__all__ = ["SQLiteVectorStores"]


class SQLiteVectorStores(SqlVectorStores):
    """The `VectorStoreStore` half of `SQLiteStore` (which provides the connection)."""

    _sql = VectorStoreSql.of(SQLITE)
    _db: SQLiteConnection

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
                and not conn.execute(self._sql.store_exists, exists).fetchone()
            ):
                return None
            return conn.execute(*query).fetchall()

        rows = await self._db.run(op)
        if rows is None:
            raise NotFoundError(f"No vector store found with id {vector_store_id!r}.")
        return [VectorStoreFile.model_validate_json(row[0]) for row in rows]

    async def file_totals(self, vector_store_id: str, *, batch_id: str | None = None) -> FileTotals:
        sql, params = totals_query(SQLITE, self.project, vector_store_id, batch_id)
        return file_totals(await self._db.run(lambda conn: conn.execute(sql, params).fetchall()))

    async def _one(self, sql: str, params: tuple[Any, ...]) -> Any:
        return await self._db.run(lambda conn: conn.execute(sql, params).fetchone())

    async def _changed(self, sql: str, params: tuple[Any, ...]) -> bool:
        """Whether the statement changed a row."""
        return bool(await self._db.run(lambda conn: conn.execute(sql, params).rowcount))
