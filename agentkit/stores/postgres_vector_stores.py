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
    VectorStoreFileStatus,
)
from agentkit.stores.vector_store_sql import (
    SqlVectorStores,
    VectorStoreSql,
    file_totals,
    files_scope,
    totals_query,
)

__all__ = ["PostgresVectorStores"]


class PostgresVectorStores(SqlVectorStores):
    """The `VectorStoreStore` half of `PostgresStore` (which provides the pool and project)."""

    _sql = VectorStoreSql.of(POSTGRES)
    _db: PostgresPool

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
                exists = await conn.execute(self._sql.store_exists, (vector_store_id, self.project))
                if await exists.fetchone() is None:
                    raise NotFoundError(f"No vector store found with id {vector_store_id!r}.")
            rows = await (await conn.execute(sql, params)).fetchall()
        return [VectorStoreFile.model_validate_json(row[0]) for row in rows]

    async def file_totals(self, vector_store_id: str, *, batch_id: str | None = None) -> FileTotals:
        sql, params = totals_query(POSTGRES, self.project, vector_store_id, batch_id)
        async with self._db.connection() as conn:
            return file_totals(await (await conn.execute(sql, params)).fetchall())

    async def _one(self, sql: str, params: tuple[Any, ...]) -> Any:
        async with self._db.connection() as conn:
            return await (await conn.execute(sql, params)).fetchone()

    async def _changed(self, sql: str, params: tuple[Any, ...]) -> bool:
        """Whether the statement changed a row."""
        async with self._db.connection() as conn:
            return bool((await conn.execute(sql, params)).rowcount)
