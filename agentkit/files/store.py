"""`Files`: add, read, list and delete files; metadata in a `FileStore`, bytes in a directory."""

from __future__ import annotations

import asyncio
import builtins
import contextlib
import copy
import os
import re
import shutil
import stat
import tempfile
from collections.abc import AsyncIterator
from pathlib import Path

from agentkit.exceptions import NotFoundError, UserError
from agentkit.files.upload import Upload
from agentkit.models.images import ImageData
from agentkit.records import FileObject, image_media_type
from agentkit.stores.base import ListOrder
from agentkit.stores.files import FileStore
from agentkit.stores.sqlite import SQLiteStore

__all__ = ["Files"]

# Ids agentkit generates; anything else never reaches the file system.
_FILE_ID = re.compile(r"^file-[A-Za-z0-9]{24}$")
_READ = os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC
CHUNK_BYTES = 64 * 1024


class Files:
    r"""The files of one project: metadata in ``store``, bytes in ``directory`` under their ids.

    Args:
        store: where the metadata goes (`SQLiteStore` and `MemoryStore` are file stores).
        directory: where the bytes go. Default: beside a `SQLiteStore`'s database
            (``agentkit.db`` → ``agentkit.db.files/``), else a new temporary directory,
            removed by `aclose`.
        max_bytes: the largest file `upload` and `add` accept (None: no limit).

    Example:
        ```python
        files = Files(SQLiteStore("agentkit.db"))
        report = await files.add(b"month,total\\n1,10\\n", filename="sales.csv")
        assert await files.read(report.id) == b"month,total\\n1,10\\n"
        ```
    """

    def __init__(
        self,
        store: FileStore,
        directory: Path | str | None = None,
        *,
        max_bytes: int | None = None,
    ) -> None:
        if max_bytes is not None and max_bytes < 1:
            raise UserError(f"Files(max_bytes=...) must be at least 1, got {max_bytes}")
        self.store = store
        self.max_bytes = max_bytes
        self._temporary = directory is None and not isinstance(store, SQLiteStore)
        if directory is not None:
            self.directory = Path(directory)
        elif isinstance(store, SQLiteStore):
            self.directory = Path(store.path + ".files")
        else:
            self.directory = Path(tempfile.mkdtemp(prefix="agentkit-files-"))
        self.directory.mkdir(mode=0o700, parents=True, exist_ok=True)

    def scoped(self, store: FileStore) -> Files:
        """The same directory over another view of the store (another project)."""
        view = copy.copy(self)
        view.store = store
        view._temporary = False
        return view

    def upload(self) -> Upload:
        """Stream a file in: ``async with files.upload() as up: await up.write(chunk) ...``.

        `Upload.commit` stores it; `FileTooLargeError` past ``max_bytes``.
        """
        return Upload(self.directory, self.max_bytes, self.store.save_file)

    async def add(
        self, content: bytes, *, filename: str, purpose: str = "assistants"
    ) -> FileObject:
        """Store ``content`` as a new file and return its metadata.

        Raises:
            FileTooLargeError: ``content`` is larger than ``max_bytes``.
            UserError: an empty filename or purpose, or one with control characters.
        """
        async with self.upload() as upload:
            for start in range(0, len(content), CHUNK_BYTES * 16):
                await upload.write(content[start : start + CHUNK_BYTES * 16])
            return await upload.commit(filename=filename, purpose=purpose)

    async def get(self, file_id: str) -> FileObject:
        """The file's metadata (`NotFoundError` for an unknown or another project's id)."""
        return await self.store.get_file(file_id)

    async def list(
        self,
        *,
        purpose: str | None = None,
        order: ListOrder = "desc",
        after: str | None = None,
        limit: int | None = None,
    ) -> builtins.list[FileObject]:
        """Files by creation order (newest first by default), optionally of one purpose."""
        return await self.store.list_files(purpose=purpose, order=order, after=after, limit=limit)

    async def read(self, file_id: str) -> bytes:
        """The file's whole content."""
        return b"".join([chunk async for chunk in self.chunks(file_id)])

    async def read_image(self, file_id: str) -> ImageData:
        """The file as an image for a model (`agentkit.models.images.ImageFileSource`).

        A file that is not a PNG, JPEG, GIF or WebP image comes back as
        ``application/octet-stream``, which the model call refuses naming the file.

        Raises:
            NotFoundError: no such file in this project.
        """
        data = await self.read(file_id)
        return ImageData(data, image_media_type(data) or "application/octet-stream")

    async def chunks(self, file_id: str) -> AsyncIterator[bytes]:
        """The file's content in pieces, read from disk as they are consumed.

        Raises:
            NotFoundError: no such file in this project, or its bytes are gone.
        """
        file = await self.store.get_file(file_id)
        fd = await asyncio.to_thread(self._open, file.id)
        try:
            while chunk := await asyncio.to_thread(os.read, fd, CHUNK_BYTES):
                yield chunk
        finally:
            os.close(fd)

    async def delete(self, file_id: str) -> None:
        """Delete the file: its metadata, then its bytes."""
        file = await self.store.get_file(file_id)
        await self.store.delete_file(file.id)
        await asyncio.to_thread(self._unlink, file.id)

    async def aclose(self) -> None:
        """Remove the directory if it is a temporary one this object made."""
        if self._temporary:
            await asyncio.to_thread(shutil.rmtree, self.directory, True)

    def _path(self, file_id: str) -> Path:
        if not _FILE_ID.fullmatch(file_id):
            raise NotFoundError(f"No file found with id {file_id!r}.")
        return self.directory / file_id

    def _open(self, file_id: str) -> int:
        try:
            fd = os.open(self._path(file_id), _READ)
        except FileNotFoundError:
            raise NotFoundError(f"The content of file {file_id!r} is missing.") from None
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            os.close(fd)
            raise NotFoundError(f"The content of file {file_id!r} is missing.")
        return fd

    def _unlink(self, file_id: str) -> None:
        with contextlib.suppress(FileNotFoundError):
            self._path(file_id).unlink()
