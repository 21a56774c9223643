"""The SQL of the vector store records, for the SQLite and Postgres stores alike.

Both keep the same three tables (see their schemas): a file's status, batch and
``usage_bytes`` have columns of their own, so counting a store's files and finding the files
left ``in_progress`` are index lookups, not JSON scans; and a vector store's row supplies the
project check of every write to its files and batches (no row, no insert). What differs is
the `SqlDialect`: the parameter mark and the schema prefix.
"""

from __future__ import annotations

from abc import abstractmethod
from typing import Any, NamedTuple

from agentkit.exceptions import NotFoundError
from agentkit.stores.sql_paging import SqlDialect
from agentkit.stores.vector_store_records import (
    FileCounts,
    FileTotals,
    VectorStore,
    VectorStoreFile,
    VectorStoreFileBatch,
    VectorStoreFileStatus,
)
from agentkit.stores.vector_stores import VectorStoreStore

__all__ = [
    "SqlVectorStores",
    "VectorStoreSql",
    "file_columns",
    "file_totals",
    "files_scope",
    "totals_query",
]


class VectorStoreSql(NamedTuple):
    """Each statement of the vector store records, in one dialect."""

    upsert_store: str
    get_store: str
    delete_store: str
    store_exists: str
    put_file: str
    update_file: str
    update_file_in_status: str
    get_file: str
    delete_file: str
    upsert_batch: str
    get_batch: str

    @classmethod
    def of(cls, dialect: SqlDialect) -> VectorStoreSql:
        """The statements with ``dialect``'s tables and marks."""
        stores, files = f"{dialect.tables}vector_stores", f"{dialect.tables}vector_store_files"
        batches = f"{dialect.tables}vector_store_file_batches"
        m = dialect.mark
        file_key = f"vector_store_id = {m} AND id = {m} AND project = {m}"
        update_file = f"""UPDATE {files} SET status = {m}, batch_id = {m}, usage_bytes = {m},
            data = {m} WHERE {file_key}"""
        return cls(
            upsert_store=f"""INSERT INTO {stores} (id, project, data) VALUES ({m}, {m}, {m})
                ON CONFLICT (id) DO UPDATE SET data = excluded.data
                WHERE vector_stores.project = excluded.project""",
            get_store=f"SELECT data FROM {stores} WHERE id = {m} AND project = {m}",
            # Foreign keys cascade to the store's files and batches.
            delete_store=f"DELETE FROM {stores} WHERE id = {m} AND project = {m}",
            store_exists=f"SELECT 1 FROM {stores} WHERE id = {m} AND project = {m}",
            put_file=f"""INSERT INTO {files}
                (vector_store_id, id, project, status, batch_id, usage_bytes, data)
                SELECT id, {m}, project, {m}, {m}, {m}, {m} FROM {stores}
                WHERE id = {m} AND project = {m}
                ON CONFLICT (vector_store_id, id) DO UPDATE SET status = excluded.status,
                batch_id = excluded.batch_id, usage_bytes = excluded.usage_bytes,
                data = excluded.data""",
            update_file=update_file,
            # Compare-and-set: an ingestion that ends never overwrites a deletion first.
            update_file_in_status=f"{update_file} AND status = {m}",
            get_file=f"SELECT data FROM {files} WHERE {file_key}",
            delete_file=f"DELETE FROM {files} WHERE {file_key}",
            upsert_batch=f"""INSERT INTO {batches} (id, project, vector_store_id, data)
                SELECT {m}, project, id, {m} FROM {stores} WHERE id = {m} AND project = {m}
                ON CONFLICT (id) DO UPDATE SET data = excluded.data
                WHERE vector_store_file_batches.project = excluded.project""",
            get_batch=f"""SELECT data FROM {batches}
                WHERE id = {m} AND vector_store_id = {m} AND project = {m}""",
        )


def file_columns(file: VectorStoreFile) -> tuple[str, str, str | None, int, str]:
    """A file record's columns: id, status, batch id, bytes, and the record as JSON."""
    return (file.id, file.status, file.batch_id, file.usage_bytes, file.model_dump_json())


def files_scope(
    dialect: SqlDialect,
    project: str,
    vector_store_id: str | None,
    status: VectorStoreFileStatus | None,
    batch_id: str | None,
    file_id: str | None,
) -> tuple[str, tuple[Any, ...]]:
    """The WHERE clause (and its parameters) of a project's files, filtered as given."""
    where, values = f"project = {dialect.mark}", [project]
    for column, value in (
        ("vector_store_id", vector_store_id),
        ("status", status),
        ("batch_id", batch_id),
        ("id", file_id),
    ):
        if value is not None:
            where += f" AND {column} = {dialect.mark}"
            values.append(value)
    return where, tuple(values)


def totals_query(
    dialect: SqlDialect, project: str, vector_store_id: str, batch_id: str | None
) -> tuple[str, tuple[Any, ...]]:
    """A vector store's (or batch's) files counted by status, with their bytes."""
    m = dialect.mark
    sql = (
        "SELECT status, count(*), coalesce(sum(usage_bytes), 0) "
        f"FROM {dialect.tables}vector_store_files WHERE vector_store_id = {m} AND project = {m}"
    )
    params: tuple[Any, ...] = (vector_store_id, project)
    if batch_id is not None:
        sql, params = sql + f" AND batch_id = {m}", (*params, batch_id)
    return sql + " GROUP BY status", params


def file_totals(rows: list[Any]) -> FileTotals:
    """`FileTotals` from the rows of `totals_query`."""
    counts = {status: int(count) for status, count, _ in rows}
    usage_bytes = sum(int(usage) for _, _, usage in rows)
    return FileTotals(FileCounts(**counts, total=sum(counts.values())), usage_bytes)


class SqlVectorStores(VectorStoreStore):
    """The `VectorStoreStore` methods that are one statement, over ``_one`` and ``_changed``.

    A SQL store's half provides its dialect's statements (``_sql``), how it runs one
    statement, and the listing and counting methods, which page or group.
    """

    _sql: VectorStoreSql

    @abstractmethod
    async def _one(self, sql: str, params: tuple[Any, ...]) -> Any:
        """The statement's first row (None: no row)."""

    @abstractmethod
    async def _changed(self, sql: str, params: tuple[Any, ...]) -> bool:
        """Whether the statement changed a row."""

    async def save_vector_store(self, store: VectorStore) -> None:
        params = (store.id, self.project, store.model_dump_json())
        if not await self._changed(self._sql.upsert_store, params):
            raise NotFoundError(f"No vector store found with id {store.id!r}.")

    async def get_vector_store(self, vector_store_id: str) -> VectorStore:
        row = await self._one(self._sql.get_store, (vector_store_id, self.project))
        if row is None:
            raise NotFoundError(f"No vector store found with id {vector_store_id!r}.")
        return VectorStore.model_validate_json(row[0])

    async def delete_vector_store(self, vector_store_id: str) -> None:
        if not await self._changed(self._sql.delete_store, (vector_store_id, self.project)):
            raise NotFoundError(f"No vector store found with id {vector_store_id!r}.")

    async def put_vector_store_file(self, file: VectorStoreFile) -> None:
        params = (*file_columns(file), file.vector_store_id, self.project)
        if not await self._changed(self._sql.put_file, params):
            raise NotFoundError(f"No vector store found with id {file.vector_store_id!r}.")

    async def update_vector_store_file(
        self, file: VectorStoreFile, *, expected_status: VectorStoreFileStatus | None = None
    ) -> bool:
        status, batch_id, usage, data = file_columns(file)[1:]
        params = (status, batch_id, usage, data, file.vector_store_id, file.id, self.project)
        if expected_status is None:
            return await self._changed(self._sql.update_file, params)
        return await self._changed(self._sql.update_file_in_status, (*params, expected_status))

    async def get_vector_store_file(self, vector_store_id: str, file_id: str) -> VectorStoreFile:
        row = await self._one(self._sql.get_file, (vector_store_id, file_id, self.project))
        if row is None:
            raise NotFoundError(
                f"No file found with id {file_id!r} in vector store {vector_store_id!r}."
            )
        return VectorStoreFile.model_validate_json(row[0])

    async def delete_vector_store_file(self, vector_store_id: str, file_id: str) -> None:
        params = (vector_store_id, file_id, self.project)
        if not await self._changed(self._sql.delete_file, params):
            raise NotFoundError(
                f"No file found with id {file_id!r} in vector store {vector_store_id!r}."
            )

    async def save_file_batch(self, batch: VectorStoreFileBatch) -> None:
        params = (batch.id, batch.model_dump_json(), batch.vector_store_id, self.project)
        if not await self._changed(self._sql.upsert_batch, params):
            raise NotFoundError(f"No vector store found with id {batch.vector_store_id!r}.")

    async def get_file_batch(self, vector_store_id: str, batch_id: str) -> VectorStoreFileBatch:
        row = await self._one(self._sql.get_batch, (batch_id, vector_store_id, self.project))
        if row is None:
            raise NotFoundError(f"No file batch found with id {batch_id!r}.")
        return VectorStoreFileBatch.model_validate_json(row[0])
