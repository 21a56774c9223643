"""Store operations on a SQLite file, without blocking the event loop.

An operation is a plain function of a `sqlite3.Connection`: one statement, or one transaction
that starts with ``BEGIN IMMEDIATE``. `SQLiteConnection.run` first tries it on the caller's
thread, on a connection whose busy timeout is zero. Uncontended, that takes microseconds (WAL
with ``synchronous=NORMAL`` does not fsync on commit), far less than a hop to another thread
(100-200 µs). When another connection holds the write lock, SQLite answers ``SQLITE_BUSY`` at
once, before the operation changed anything, and the operation is queued on a dedicated worker
thread whose connection waits for the lock (``busy_timeout``). Checkpoints, which fsync, and
opening the file (which may create tables or wait for a lock) also run on the worker thread.
"""

from __future__ import annotations

import asyncio
import queue
import sqlite3
import threading
import weakref
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from typing import Any, NamedTuple, TypeVar

from agentkit.exceptions import StoreError
from agentkit.stores.sqlite_schema import connect

__all__ = ["SQLiteConnection", "immediate"]

T = TypeVar("T")

# Rows changed on the fast path between two passive checkpoints on the worker thread; the fast
# path connection has wal_autocheckpoint off so it never fsyncs on the event loop.
_CHECKPOINT_EVERY = 300
# The WAL only restarts from its beginning after a checkpoint that no write raced. Checkpoints
# run alongside fast-path writes (they still copy most of the WAL), but every third one is a
# barrier: operations queue behind it, paying its fsync once, and the WAL then restarts.
_CHECKPOINTS_PER_BARRIER = 3
_BUSY_CODES = frozenset({sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED})


@contextmanager
def immediate(conn: sqlite3.Connection) -> Iterator[None]:
    """A write transaction that takes the file's write lock before it reads anything."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")


class _Job(NamedTuple):
    op: Callable[[sqlite3.Connection], Any] | None  # None: close and stop
    loop: asyncio.AbstractEventLoop | None  # None: nobody waits for the outcome
    future: asyncio.Future[Any] | None


class _Worker:
    """The dedicated thread. It opens and closes both connections and runs queued jobs in order.

    It holds no reference to `SQLiteConnection`, so a store dropped without ``aclose`` can be
    collected, and its finalizer stops the thread.
    """

    def __init__(self, path: str, busy_timeout_ms: int) -> None:
        self.path = path
        self.busy_timeout_ms = busy_timeout_ms
        self.fast: sqlite3.Connection | None = None
        self.fast_lock = threading.Lock()
        self.thread: threading.Thread | None = None
        self.stopping = False
        self.checkpoint_queued = False
        self.checkpoints_behind = 0
        self._conn: sqlite3.Connection | None = None
        self._jobs: queue.SimpleQueue[_Job] = queue.SimpleQueue()

    async def call(self, op: Callable[[sqlite3.Connection], T]) -> T:
        loop = asyncio.get_running_loop()
        future: asyncio.Future[T] = loop.create_future()
        self.submit(_Job(op, loop, future))
        return await future

    def submit(self, job: _Job) -> None:
        if self.stopping:
            raise StoreError(f"The SQLite store {self.path!r} is closed.")
        if self.thread is None:
            self.thread = threading.Thread(
                target=self._serve, name=f"agentkit-sqlite:{self.path}", daemon=True
            )
            self.thread.start()
        self._jobs.put(job)

    async def close(self) -> None:
        if self.thread is None:
            self.stopping = True
            return
        loop = asyncio.get_running_loop()
        done: asyncio.Future[None] = loop.create_future()
        self.submit(_Job(None, loop, done))
        self.stopping = True
        await done
        self.thread.join()

    def stop_soon(self) -> None:
        """Close the connections and end the thread after the queued jobs (from any thread)."""
        if not self.stopping and self.thread is not None:
            self.stopping = True
            self._jobs.put(_Job(None, None, None))

    @property
    def checkpoint_barrier(self) -> bool:
        """Whether operations must queue behind the pending checkpoint."""
        return self.checkpoint_queued and self.checkpoints_behind >= _CHECKPOINTS_PER_BARRIER - 1

    def checkpoint(self, conn: sqlite3.Connection) -> None:
        """Copy the WAL into the database file (this fsyncs, so it runs on this thread)."""
        try:
            conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()
        finally:
            self.checkpoints_behind = 0 if self.checkpoint_barrier else self.checkpoints_behind + 1
            self.checkpoint_queued = False

    def _serve(self) -> None:
        while True:
            job = self._jobs.get()
            if job.op is None:
                break
            self._execute(job)
            del job  # Don't keep the last job's closure alive while waiting.
        self._close_connections()
        _deliver(job, None, None)

    def _execute(self, job: _Job) -> None:
        if job.future is not None and job.future.cancelled():
            return
        assert job.op is not None
        try:
            result = job.op(self._open())
        except Exception as exc:
            error = translate(exc, self._conn)
            if error is not exc:
                error.__cause__ = exc
            _deliver(job, None, error)
        else:
            _deliver(job, result, None)

    def _open(self) -> sqlite3.Connection:
        if self._conn is None:
            conn = connect(self.path, busy_timeout_ms=self.busy_timeout_ms)
            try:
                self.fast = connect(self.path, busy_timeout_ms=0, autocheckpoint=False)
            except BaseException:
                conn.close()
                raise
            self._conn = conn
        return self._conn

    def _close_connections(self) -> None:
        with self.fast_lock:
            if self.fast is not None:
                self.fast.close()
                self.fast = None
        if self._conn is not None:
            self._conn.close()  # The last close checkpoints the WAL, here off the event loop.
            self._conn = None


def _deliver(job: _Job, result: object, exc: BaseException | None) -> None:
    if job.loop is None or job.future is None:
        return
    # RuntimeError: the caller's event loop closed while the job ran; nobody is waiting.
    with suppress(RuntimeError):
        job.loop.call_soon_threadsafe(_settle, job.future, result, exc)


def _settle(future: asyncio.Future[Any], result: object, exc: BaseException | None) -> None:
    if future.cancelled():
        return
    if exc is not None:
        future.set_exception(exc)
    else:
        future.set_result(result)


def translate(exc: Exception, conn: sqlite3.Connection | None) -> Exception:
    """Roll back what an operation left open and turn SQLite errors into `StoreError`."""
    if conn is not None and conn.in_transaction:
        conn.execute("ROLLBACK")
    if isinstance(exc, sqlite3.Error):
        return StoreError(f"SQLite error: {exc}.")
    return exc


class SQLiteConnection:
    """Runs operations on one SQLite file: on the caller's thread when it can, else on a worker.

    The file is opened on first use. `aclose` closes both connections and ends the thread.

    Args:
        path: the database file.
        busy_timeout: how long, in seconds, a write waits for another process's write lock.
    """

    def __init__(self, path: str, *, busy_timeout: float) -> None:
        self.path = path
        self.closed = False
        self._worker = _Worker(path, int(busy_timeout * 1000))
        self._changes_seen = 0
        weakref.finalize(self, self._worker.stop_soon)

    async def run(self, op: Callable[[sqlite3.Connection], T]) -> T:
        """The result of ``op`` run on the store's connection.

        ``op`` must be one statement or one ``BEGIN IMMEDIATE`` transaction (see `immediate`),
        so that it has changed nothing when SQLite reports the file busy.

        Raises:
            StoreError: the file is unusable, a lock was not released within the busy timeout,
                or the store is closed.
        """
        if self.closed:
            raise StoreError(f"The SQLite store {self.path!r} is closed.")
        worker = self._worker
        if (
            worker.fast is not None
            and not worker.checkpoint_barrier
            and worker.fast_lock.acquire(blocking=False)
        ):
            try:
                if worker.fast is not None:  # Read again under the lock: aclose may have run.
                    return self._run_here(worker.fast, op)
            except _Busy:
                pass
            finally:
                worker.fast_lock.release()
        return await worker.call(op)

    def _run_here(self, conn: sqlite3.Connection, op: Callable[[sqlite3.Connection], T]) -> T:
        try:
            result = op(conn)
        except Exception as exc:
            error = translate(exc, conn)
            if error is exc:
                raise
            if isinstance(exc, sqlite3.OperationalError) and _is_busy(exc):
                raise _Busy from exc
            raise error from exc
        worker = self._worker
        if (
            conn.total_changes - self._changes_seen >= _CHECKPOINT_EVERY
            and not worker.checkpoint_queued
            and not worker.stopping
        ):
            self._changes_seen = conn.total_changes
            worker.checkpoint_queued = True
            worker.submit(_Job(worker.checkpoint, None, None))
        return result

    async def aclose(self) -> None:
        """Close the file and end the worker thread; later calls raise `StoreError`."""
        if not self.closed:
            self.closed = True
            await self._worker.close()


class _Busy(Exception):
    """Another connection holds the lock; the operation changed nothing and can be queued."""


def _is_busy(exc: sqlite3.OperationalError) -> bool:
    return exc.sqlite_errorcode & 0xFF in _BUSY_CODES
