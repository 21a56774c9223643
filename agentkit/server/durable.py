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
from agentkit.exceptions import NotFoundError
from agentkit.records import Run
from agentkit.server.config import ServerConfig
from agentkit.server.run_agent import agent_for_run
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
    def from_config(cls, config: ServerConfig) -> PostgresBackend:
        """The backend of ``config.database_url``."""
        assert config.database_url is not None
        store = PostgresStore(config.database_url)
        settings = DBOSSettings(config.database_url)

        async def agent_of(run: Run, project_store: Store) -> Agent[None]:
            try:
                name = str((await _assistant(project_store, run)).get("name") or "")
            except NotFoundError:  # deleted since: the run keeps what it needs
                name = ""
            return agent_for_run(run, name=name, config=config)

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


async def _assistant(store: Store, run: Run) -> dict[str, object]:
    get = getattr(store, "get_assistant", None)
    if get is None:
        raise NotFoundError(run.assistant_id)
    record: dict[str, object] = await get(run.assistant_id)
    return record
