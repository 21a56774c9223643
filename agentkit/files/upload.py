"""`Upload`: a file's bytes being written, streamed to a temporary file in the files directory."""

from __future__ import annotations

import asyncio
import contextlib
import os
import secrets
from collections.abc import Awaitable, Callable
from pathlib import Path
from types import TracebackType

from agentkit.exceptions import FileTooLargeError, UserError
from agentkit.records import FileObject, new_file_id

__all__ = ["Upload"]

_CREATE = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC
_MAX_FILENAME = 512

Save = Callable[[FileObject], Awaitable[None]]


class Upload:
    """Chunks written to a temporary file; `commit` names it by a new id and stores it.

    Made by `Files.upload`. Use it as ``async with files.upload() as upload:``; leaving the
    block without `commit` (or with an error) deletes what was written.
    """

    def __init__(self, directory: Path, limit: int | None, save: Save) -> None:
        self._directory = directory
        self._limit = limit
        self._save = save
        self._temp = directory / f".upload-{secrets.token_hex(12)}"
        self._fd: int | None = None
        self.size = 0
        self.committed: FileObject | None = None

    async def __aenter__(self) -> Upload:
        self._fd = await asyncio.to_thread(os.open, self._temp, _CREATE, 0o600)
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if self.committed is None:
            await asyncio.shield(self.discard())

    async def write(self, chunk: bytes) -> None:
        """Append ``chunk``.

        Raises:
            FileTooLargeError: the file is now past the size limit (nothing is kept).
        """
        if self._fd is None:
            raise UserError("Upload.write: the upload is closed")
        self.size += len(chunk)
        if self._limit is not None and self.size > self._limit:
            await self.discard()
            raise FileTooLargeError(
                f"The file is larger than the limit of {self._limit} bytes.", limit=self._limit
            )
        if chunk:
            await asyncio.to_thread(_write_all, self._fd, chunk)

    async def commit(self, *, filename: str, purpose: str) -> FileObject:
        """Store the file: its bytes under a new id, its metadata in the store.

        Raises:
            UserError: an empty or over-long filename or purpose, or one with control
                characters.
        """
        if self._fd is None:
            raise UserError("Upload.commit: the upload is closed")
        _check_text("filename", filename, _MAX_FILENAME)
        _check_text("purpose", purpose, 64)
        file = FileObject(id=new_file_id(), bytes=self.size, filename=filename, purpose=purpose)
        final = self._directory / file.id
        fd, self._fd = self._fd, None
        await asyncio.to_thread(_finish, fd, self._temp, final)
        try:
            await self._save(file)
        except BaseException:
            await asyncio.shield(asyncio.to_thread(_unlink, final))
            raise
        self.committed = file
        return file

    async def discard(self) -> None:
        """Delete what was written (done on leaving the block without `commit`)."""
        fd, self._fd = self._fd, None
        if fd is not None:
            await asyncio.to_thread(_close_and_unlink, fd, self._temp)


def _check_text(name: str, value: str, limit: int) -> None:
    if not value or len(value) > limit or not value.isprintable():
        raise UserError(
            f"Invalid file {name} {value[:80]!r}: 1 to {limit} printable characters expected."
        )


def _write_all(fd: int, chunk: bytes) -> None:
    view = memoryview(chunk)
    while view:
        view = view[os.write(fd, view) :]


def _finish(fd: int, temp: Path, final: Path) -> None:
    os.close(fd)
    os.rename(temp, final)


def _close_and_unlink(fd: int, temp: Path) -> None:
    os.close(fd)
    _unlink(temp)


def _unlink(path: Path) -> None:
    with contextlib.suppress(FileNotFoundError):
        path.unlink()
