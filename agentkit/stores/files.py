"""`FileStore`: where file metadata persists, beside the engine's `Store`.

A file's bytes are not kept here: `agentkit.files.Files` writes them to a directory next to
the database and keeps this metadata (a `FileObject`) in the store. Like every store, a file
store sees only its own project's files: another project's ids are `NotFoundError`.
"""

from __future__ import annotations

from abc import ABC, abstractmethod

from agentkit.records import FileObject
from agentkit.stores.base import ListOrder

__all__ = ["FileStore"]


class FileStore(ABC):
    """File metadata, by id, per project. All coroutines.

    `MemoryStore` and `SQLiteStore` implement it; a store of your own adds these four methods
    (and passes the file contract tests in ``tests/stores``).
    """

    project: str = ""

    @abstractmethod
    async def save_file(self, file: FileObject) -> None:
        """Insert a file's metadata (a new id; `UserError` if it exists)."""

    @abstractmethod
    async def get_file(self, file_id: str) -> FileObject:
        """The file with this id (`NotFoundError` if there is none in this project)."""

    @abstractmethod
    async def list_files(
        self,
        *,
        purpose: str | None = None,
        order: ListOrder = "desc",
        after: str | None = None,
        limit: int | None = None,
    ) -> list[FileObject]:
        """Files by creation order, optionally of one purpose, paged by an ``after`` id."""

    @abstractmethod
    async def delete_file(self, file_id: str) -> None:
        """Delete a file's metadata (`NotFoundError` if there is none in this project)."""
