"""`PostgresStore`'s file metadata: the `FileStore` methods over ``agentkit.files``."""

from __future__ import annotations

from agentkit.exceptions import NotFoundError
from agentkit.records import FileObject
from agentkit.stores.base import ListOrder
from agentkit.stores.files import FileStore
from agentkit.stores.postgres_pool import PostgresPool
from agentkit.stores.postgres_rows import insert
from agentkit.stores.postgres_schema import page_query

__all__ = ["PostgresFiles"]

_INSERT = "INSERT INTO agentkit.files (id, project, purpose, data) VALUES (%s, %s, %s, %s)"


class PostgresFiles(FileStore):
    """The `FileStore` half of `PostgresStore` (which provides the pool and project)."""

    _db: PostgresPool

    async def save_file(self, file: FileObject) -> None:
        params = (file.id, self.project, file.purpose, file.model_dump_json())
        async with self._db.connection() as conn:
            await insert(conn, _INSERT, params, "file")

    async def get_file(self, file_id: str) -> FileObject:
        sql = "SELECT data FROM agentkit.files WHERE id = %s AND project = %s"
        async with self._db.connection() as conn:
            row = await (await conn.execute(sql, (file_id, self.project))).fetchone()
        if row is None:
            raise NotFoundError(f"No file found with id {file_id!r}.")
        return FileObject.model_validate_json(row[0])

    async def list_files(
        self,
        *,
        purpose: str | None = None,
        order: ListOrder = "desc",
        after: str | None = None,
        limit: int | None = None,
    ) -> list[FileObject]:
        scope = (
            ("project = %s", (self.project,))
            if purpose is None
            else ("project = %s AND purpose = %s", (self.project, purpose))
        )
        sql, params = page_query("files", scope, order, after, None, limit)
        async with self._db.connection() as conn:
            rows = await (await conn.execute(sql, params)).fetchall()
        return [FileObject.model_validate_json(row[0]) for row in rows]

    async def delete_file(self, file_id: str) -> None:
        sql = "DELETE FROM agentkit.files WHERE id = %s AND project = %s"
        async with self._db.connection() as conn:
            deleted = (await conn.execute(sql, (file_id, self.project))).rowcount
        if not deleted:
            raise NotFoundError(f"No file found with id {file_id!r}.")
