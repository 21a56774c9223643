"""DBOS fixtures: a database per module, a worker in the test process or in subprocesses.

DBOS is one per process, and its workflows run on the event loop that launched it: the
in-process worker is module-scoped, and the tests that use it run on the module's loop.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
import pytest_asyncio

from agentkit import Runner
from agentkit.durable import DBOSExecution, DBOSSettings, DBOSWorker
from agentkit.stores import PostgresStore
from tests.durable_dbos import agents
from tests.postgres.cluster import PostgresCluster

AGENTS_FILE = str(Path(agents.__file__))
WORKER_AGENTS = [f"{AGENTS_FILE}:{name}" for name in ("calc", "batch", "talker", "asker")]


@pytest.fixture(scope="module")
def dbos_url(postgres_cluster: PostgresCluster) -> str:
    """A database of its own for each test module (DBOS's tables and the store's)."""
    return postgres_cluster.new_database("agentkit_dbos")


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def worker(dbos_url: str) -> AsyncIterator[DBOSWorker]:
    """A worker in the test process, driving the test agents (the module's loop)."""
    settings = DBOSSettings(dbos_url, poll_interval=0.05, pause_poll=0.5)
    store = PostgresStore(dbos_url)
    running = DBOSWorker(
        store,
        [agents.calc, agents.batch, agents.talker, agents.asker, agents.late_on_worker],
        settings=settings,
        concurrency=8,
    )
    await running.start()
    yield running
    await running.stop(grace=5)
    await store.aclose()


@pytest_asyncio.fixture(loop_scope="module")
async def runner(dbos_url: str) -> AsyncIterator[Runner]:
    """A runner whose runs DBOS workers execute (its own store and DBOS client)."""
    made = Runner(PostgresStore(dbos_url), execution=DBOSExecution(dbos_url))
    yield made
    await made.aclose()


class WorkerProcess:
    """``agentkit worker`` in a subprocess, for the kill tests."""

    def __init__(self, url: str, executor_id: str, ledger: Path, log: Path) -> None:
        env = {**os.environ, "AGENTKIT_TEST_LEDGER": str(ledger)}
        command = [
            sys.executable,
            "-c",
            "from agentkit.cli import main; main()",
            "worker",
            "--database",
            url,
            "--executor-id",
            executor_id,
            "--concurrency",
            "8",
            *WORKER_AGENTS,
        ]
        self.executor_id = executor_id
        self._log = log.open("ab")
        self.process = subprocess.Popen(command, env=env, stdout=self._log, stderr=self._log)

    def kill(self) -> None:
        """``kill -9``: no cleanup of any kind."""
        self.process.send_signal(signal.SIGKILL)
        self.process.wait()
        self._log.close()

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.kill()
        self._log.close()


@pytest.fixture
def worker_processes(tmp_path: Path) -> Iterator[list[WorkerProcess]]:
    """Start workers with ``start(url, name)``-like appends; all stopped after the test."""
    started: list[WorkerProcess] = []
    yield started
    for process in started:
        process.stop()


def wait_for(condition: object, timeout: float, what: str) -> None:
    """Poll ``condition()`` (a callable) every 20 ms until true, or fail naming ``what``."""
    assert callable(condition)
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {what}")
        time.sleep(0.02)
