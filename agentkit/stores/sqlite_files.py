"""`SQLiteStore`'s file metadata: the `FileStore` methods over the ``files`` table."""

from __future__ import annotations

import sqlite3

from agentkit.exceptions import NotFoundError, UserError
from agentkit.records import FileObject
from agentkit.stores.base import ListOrder
from agentkit.stores.files import FileStore
from agentkit.stores.sqlite_connection import SQLiteConnection
from agentkit.stores.sqlite_schema import page_query

__all__ = ["SQLiteFiles"]

_INSERT = "INSERT INTO files (id, project, purpose, data) VALUES (?, ?, ?, ?)"


class SQLiteFiles(FileStore):
    """The `FileStore` half of `SQLiteStore` (which provides the connection and project)."""

    _db: SQLiteConnection

    async def save_file(self, file: FileObject) -> None:
        params = (file.id, self.project, file.purpose, file.model_dump_json())

        def op(conn: sqlite3.Connection) -> None:
            try:
                conn.execute(_INSERT, params)
            except sqlite3.IntegrityError as exc:
                raise UserError(f"A file with id {file.id!r} already exists.") from exc

        await self._db.run(op)

    async def get_file(self, file_id: str) -> FileObject:
        sql = "SELECT data FROM files WHERE id = ? AND project = ?"
        params = (file_id, self.project)
        row = await self._db.run(lambda conn: conn.execute(sql, params).fetchone())
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
            ("project = ?", (self.project,))
            if purpose is None
            else ("project = ? AND purpose = ?", (self.project, purpose))
        )
        sql, params = page_query("files", scope, order, after, None, limit)
        rows = await self._db.run(lambda conn: conn.execute(sql, params).fetchall())
        return [FileObject.model_validate_json(row[0]) for row in rows]

    async def delete_file(self, file_id: str) -> None:
        sql = "DELETE FROM files WHERE id = ? AND project = ?"
        params = (file_id, self.project)
        if not await self._db.run(lambda conn: conn.execute(sql, params).rowcount):
            raise NotFoundError(f"No file found with id {file_id!r}.")
