"""What one `agentkit serve` process holds, and how it starts and stops.

With SQLite, the start continues the runs a previous process left in progress (a crash,
``kill -9``) from their last recorded step and ingests again the vector store files it left
``in_progress``; the stop releases the runs still being driven, for the next start. With
Postgres, runs are executed by DBOS workers (this process among them), which also continue
the runs of workers that died. Either way a sweeper expires overdue runs meanwhile (and, on
SQLite, recovers runs orphaned later).
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import TYPE_CHECKING

import structlog

from agentkit.files import Files
from agentkit.server.config import ServerConfig
from agentkit.server.executor import RunExecutor
from agentkit.server.file_search import ServerFileSearch
from agentkit.server.hosted import HostedTools
from agentkit.server.stored_agent import Served
from agentkit.server.sweeper import recover_orphans, sweep_forever
from agentkit.stores.assistants import AssistantsStore
from agentkit.stores.files import FileStore
from agentkit.stores.sqlite import SQLiteStore

if TYPE_CHECKING:
    from agentkit.server.durable import PostgresBackend

__all__ = ["ServerParts"]

_log = structlog.get_logger("agentkit.server")


@dataclass
class ServerParts:
    """The store, files, hosted tools, run executor and (on Postgres) DBOS backend."""

    config: ServerConfig
    store: AssistantsStore
    served: Served
    executor: RunExecutor
    backend: PostgresBackend | None
    _sweeper: asyncio.Task[None] | None = None

    @classmethod
    def build(cls, config: ServerConfig) -> ServerParts:
        """The parts ``config`` asks for (nothing is opened yet)."""
        hosted = HostedTools(config.kernel_pool)
        store = _postgres_store(config) if config.database_url else SQLiteStore(config.db_path)
        assert isinstance(store, FileStore)
        files_dir = config.files_dir or config.db_path + ".files"
        root_files = Files(store, files_dir, max_bytes=config.max_file_bytes)
        served = Served(hosted, ServerFileSearch(config, root_files, store))
        backend = (
            _postgres_backend(config, store, root_files, served) if config.database_url else None
        )
        executor = RunExecutor(
            store,
            root_files,
            lease_ttl=config.lease_ttl,
            execution=backend.execution if backend else None,
        )
        return cls(config, store, served, executor, backend)

    async def start(self) -> None:
        """Open the store, take up what a previous process left, start the sweeper."""
        config, executor = self.config, self.executor
        if self.backend is not None:
            await self.backend.start()
        else:
            assert isinstance(self.store, SQLiteStore)
            await self.store.open()
            if recovered := await recover_orphans(executor, config, self.served):
                _log.warning("recovered runs a previous process left in progress", count=recovered)
            projects = [(p, executor.files(p), executor.project(p)[0]) for p in config.projects]
            if resumed := await self.served.file_search.resume(projects):
                _log.warning("ingesting files a previous process left in progress", count=resumed)
        self._sweeper = asyncio.create_task(
            sweep_forever(executor, config, self.served, recover=self.backend is None),
            name="agentkit-serve-sweeper",
        )

    async def stop(self) -> None:
        """Stop the sweeper, release the runs, close everything."""
        if self._sweeper is not None:
            self._sweeper.cancel()
            await asyncio.wait({self._sweeper})
        await self.executor.aclose()
        if self.backend is not None:
            await self.backend.stop()
        await self.served.hosted.aclose()
        await self.served.file_search.aclose()
        await self.store.aclose()


def _postgres_store(config: ServerConfig) -> AssistantsStore:
    # psycopg (the postgres extra) loads only when serving a Postgres database.
    from agentkit.stores.postgres import PostgresStore

    assert config.database_url is not None
    return PostgresStore(config.database_url)


def _postgres_backend(
    config: ServerConfig, store: AssistantsStore, files: Files, served: Served
) -> PostgresBackend:
    # DBOS (the dbos extra) loads only when serving a Postgres database.
    from agentkit.server.durable import PostgresBackend

    return PostgresBackend.from_config(config, store, files, served)
