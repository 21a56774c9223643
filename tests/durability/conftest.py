"""Kill tests: real processes, ``kill -9`` at chosen or random moments, recovery, checks.

Every test keeps its loops bounded (a few kills each; the whole directory stays within about
90 s). Random sweeps with many kills are in ``bench/durability_sweep.py``.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import sqlite3
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


class Worker:
    """A process the test reads line by line and may kill with SIGKILL."""

    def __init__(self, process: asyncio.subprocess.Process) -> None:
        self.process = process
        self.lines: list[str] = []

    @classmethod
    async def start(cls, *args: str, module: str = "tests.durability.worker") -> Worker:
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            module,
            *args,
            cwd=ROOT,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
        return cls(process)

    async def until(self, prefix: str, within: float = 30) -> str:
        """Read lines until one starts with ``prefix``; return it."""
        assert self.process.stdout is not None
        async with asyncio.timeout(within):
            while True:
                raw = await self.process.stdout.readline()
                if not raw:
                    err = await self.stderr()
                    raise AssertionError(f"worker ended before {prefix!r}: {self.lines}\n{err}")
                line = raw.decode().strip()
                self.lines.append(line)
                if line.startswith(prefix):
                    return line

    async def stderr(self) -> str:
        assert self.process.stderr is not None
        return (await self.process.stderr.read()).decode()[-2000:]

    async def kill(self) -> bool:
        """SIGKILL the process (if it still runs) and reap it; whether it was killed."""
        if self.process.returncode is None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(self.process.pid, signal.SIGKILL)
        await self.process.wait()
        return self.process.returncode == -signal.SIGKILL

    async def rest(self, within: float = 30) -> list[str]:
        """Read what the process printed until it exits (or was killed); every line so far."""
        assert self.process.stdout is not None
        async with asyncio.timeout(within):
            while raw := await self.process.stdout.readline():
                self.lines.append(raw.decode().strip())
            await self.process.wait()
        return self.lines


def integrity_ok(db: Path) -> None:
    conn = sqlite3.connect(db)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    finally:
        conn.close()


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "runs.db"


@pytest.fixture
def effects_file(tmp_path: Path) -> Path:
    return tmp_path / "effects.txt"


@pytest.fixture
async def workers() -> AsyncIterator[list[Worker]]:
    """Workers a test started; any still running at the end are killed."""
    started: list[Worker] = []
    yield started
    for worker in started:
        await worker.kill()
