"""A run driven in a thread of its own, whose event loop can hang as if its process stopped.

`Hang.hang()`, called by a tool or a model turn, blocks the driving thread's event loop the
first time (its lease then stops being renewed, as when a process is stopped or dies) until
the test calls `Hang.release()`; later calls return at once, so the recovering process can
use the same tools. `HungDriver` runs ``drive(Runner(SQLiteStore(path)))`` there.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Awaitable, Callable
from pathlib import Path

from agentkit.runner import Runner
from agentkit.runs.result import RunResult
from agentkit.stores import SQLiteStore

LEASE_TTL = 0.4


class Hang:
    def __init__(self) -> None:
        self.hung = threading.Event()
        self._released = threading.Event()
        self._used = False

    def hang(self) -> None:
        if self._used:
            return
        self._used = True
        self.hung.set()
        self._released.wait(timeout=30)

    def release(self) -> None:
        self._released.set()


class HungDriver:
    def __init__(self, path: Path, drive: Callable[[Runner], Awaitable[RunResult]]) -> None:
        self.result: RunResult | None = None
        self.error: BaseException | None = None
        self._path, self._drive_with = path, drive
        self._thread = threading.Thread(target=self._main, name="hung-driver", daemon=True)

    def start(self) -> HungDriver:
        self._thread.start()
        return self

    def join(self) -> RunResult:
        self._thread.join(timeout=30)
        assert not self._thread.is_alive()
        if self.error is not None:
            raise self.error
        assert self.result is not None
        return self.result

    def _main(self) -> None:
        try:
            asyncio.run(self._drive())
        except BaseException as exc:  # handed to the test thread by join()
            self.error = exc

    async def _drive(self) -> None:
        async with Runner(SQLiteStore(self._path), lease_ttl=LEASE_TTL, heartbeat=0.1) as runner:
            self.result = await self._drive_with(runner)


async def wait_until_orphaned(hang: Hang) -> None:
    """Wait until the driver hung and its lease lapsed."""
    assert await asyncio.to_thread(hang.hung.wait, 10)
    await asyncio.sleep(LEASE_TTL + 0.1)
