"""`MemoryStore`'s file metadata: the `FileStore` methods over a dictionary."""

from __future__ import annotations

from agentkit.exceptions import NotFoundError, UserError
from agentkit.records import FileObject
from agentkit.stores.base import ListOrder
from agentkit.stores.files import FileStore
from agentkit.stores.paging import page

__all__ = ["MemoryFiles"]


class MemoryFiles(FileStore):
    """The `FileStore` half of `MemoryStore`: ``(project, json)`` by id, oldest first."""

    _files: dict[str, tuple[str, str]]

    def _file(self, file_id: str) -> str:
        row = self._files.get(file_id)
        if row is None or row[0] != self.project:
            raise NotFoundError(f"No file found with id {file_id!r}.")
        return row[1]

    async def save_file(self, file: FileObject) -> None:
        if file.id in self._files:
            raise UserError(f"A file with id {file.id!r} already exists.")
        self._files[file.id] = (self.project, file.model_dump_json())

    async def get_file(self, file_id: str) -> FileObject:
        return FileObject.model_validate_json(self._file(file_id))

    async def list_files(
        self,
        *,
        purpose: str | None = None,
        order: ListOrder = "desc",
        after: str | None = None,
        limit: int | None = None,
    ) -> list[FileObject]:
        mine = [
            FileObject.model_validate_json(data)
            for project, data in self._files.values()
            if project == self.project
        ]
        if purpose is not None:
            mine = [file for file in mine if file.purpose == purpose]
        return page(mine, key=lambda file: file.id, order=order, after=after, limit=limit)

    async def delete_file(self, file_id: str) -> None:
        self._file(file_id)
        del self._files[file_id]
