"""The connections of one SQLite index: one writer behind a lock, a pool of readers.

SQLite calls block, so every call runs in a worker thread (`asyncio.to_thread`) and never
on the event loop. WAL mode lets the readers search while the writer ingests. Dropping the
index closes what is idle and deletes the files; a search already running finishes on its
open connection, and every later call raises `IndexDeletedError`.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

from agentkit.file_search.errors import FileSearchError, IndexDeletedError
from agentkit.file_search.sqlite_driver import SqliteDriver
from agentkit.file_search.sqlite_index_schema import connect, create_schema

__all__ = ["IndexConnections", "transaction"]

T = TypeVar("T")


@contextlib.contextmanager
def transaction(conn: Any) -> Iterator[Any]:
    """``BEGIN IMMEDIATE`` … ``COMMIT``, rolled back if the block raises."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield conn
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")


class IndexConnections:
    """Runs functions on the index's connections, in worker threads.

    Args:
        path: the index file (created with its tables if missing).
        driver: the SQLite module and whether it loads sqlite-vec.
        max_idle_readers: reader connections kept open between searches.
    """

    def __init__(self, path: Path, driver: SqliteDriver, *, max_idle_readers: int = 4) -> None:
        self.path = path
        self.driver = driver
        self.max_idle_readers = max_idle_readers
        self._writer: Any = None
        self._write_lock = threading.Lock()
        self._readers: list[Any] = []
        self._readers_lock = threading.Lock()
        self._gone = ""

    async def write(self, function: Callable[[Any], T]) -> T:
        """``function(connection)`` on the writer connection, one call at a time."""
        return await asyncio.to_thread(self._write, function)

    async def read(self, function: Callable[[Any], T]) -> T:
        """``function(connection)`` on a reader connection."""
        return await asyncio.to_thread(self._read, function)

    async def drop(self) -> None:
        """Close the connections and delete the index's files."""
        await asyncio.to_thread(self._shut, "deleted", True)

    async def close(self) -> None:
        """Close the connections; the files stay."""
        await asyncio.to_thread(self._shut, "closed", False)

    def _check(self) -> None:
        if self._gone == "deleted":
            raise IndexDeletedError(f"The file search index {self.path} was deleted.")
        if self._gone:
            raise FileSearchError(f"The file search index {self.path} is closed.")

    def _write(self, function: Callable[[Any], T]) -> T:
        with self._write_lock:
            self._check()
            if self._writer is None:
                writer = connect(self.driver, self.path, create=True)
                try:
                    create_schema(writer)
                except BaseException:
                    writer.close()
                    raise
                self._writer = writer
            return function(self._writer)

    def _read(self, function: Callable[[Any], T]) -> T:
        with self._readers_lock:
            self._check()
            conn = self._readers.pop() if self._readers else None
        try:
            if conn is None:
                conn = connect(self.driver, self.path)
            return function(conn)
        except (self.driver.module.Error, FileSearchError):
            # The files went while this search ran (it may see a database without its WAL).
            self._check()
            raise
        finally:
            if conn is not None:
                self._check_in(conn)

    def _check_in(self, conn: Any) -> None:
        with self._readers_lock:
            if self._gone or len(self._readers) >= self.max_idle_readers:
                conn.close()
            else:
                self._readers.append(conn)

    def _shut(self, how: str, delete: bool) -> None:
        with self._write_lock, self._readers_lock:
            if self._gone:
                return
            self._gone = how
            for conn in [self._writer, *self._readers]:
                if conn is not None:
                    conn.close()
            self._writer, self._readers = None, []
            if delete:
                for suffix in ("", "-wal", "-shm"):
                    Path(f"{self.path}{suffix}").unlink(missing_ok=True)
