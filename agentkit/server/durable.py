"""``agentkit serve`` on Postgres: runs executed by DBOS workers, this process among them.

Every ``serve`` process over one database sees the same assistants, threads and runs; a run
created through one is driven by whichever worker takes it from the queue (the embedded
worker of any ``serve`` process, or an ``agentkit worker``), and can be polled, streamed,
resumed or cancelled through any of them.
"""

from __future__ import annotations

from dataclasses import dataclass

from agentkit.agent import Agent
from agentkit.durable import DBOSExecution, DBOSSettings, DBOSWorker
from agentkit.files import Files
from agentkit.records import Run
from agentkit.server.config import ServerConfig
from agentkit.server.stored_agent import Served, agent_of_stored_run
from agentkit.stores.assistants import AssistantsStore
from agentkit.stores.base import Store
from agentkit.stores.postgres import PostgresStore

__all__ = ["PostgresBackend"]


@dataclass
class PostgresBackend:
    """The store, the execution its runners use, and the embedded worker (if any)."""

    store: PostgresStore
    execution: DBOSExecution
    worker: DBOSWorker | None

    @classmethod
    def from_config(
        cls, config: ServerConfig, store: AssistantsStore, files: Files, served: Served
    ) -> PostgresBackend:
        """The backend of ``config.database_url`` over ``store`` (a `PostgresStore`)."""
        assert config.database_url is not None and isinstance(store, PostgresStore)
        settings = DBOSSettings(config.database_url)

        async def agent_of(run: Run, project_store: Store) -> Agent[None]:
            assert isinstance(project_store, PostgresStore)
            project_files = files.scoped(project_store)
            return await agent_of_stored_run(
                run, project_store, project_files, served=served, config=config
            )

        worker = None
        if config.worker_concurrency > 0:
            worker = DBOSWorker(
                store, agent_of, settings=settings, concurrency=config.worker_concurrency
            )
        return cls(store, DBOSExecution(settings), worker)

    async def start(self) -> None:
        """Open the store and join the workers."""
        await self.store.open()
        if self.worker is not None:
            await self.worker.start()

    async def stop(self) -> None:
        """Leave the workers (runs being driven here end ``cancelled``, as in-process ones)."""
        if self.worker is not None:
            await self.worker.stop(grace=0)
        await self.execution.aclose()
