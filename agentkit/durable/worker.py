"""`DBOSWorker`: a process that drives the runs queued on Postgres (``agentkit worker``).

::

    async with PostgresStore(url) as store, DBOSWorker(store, [agent], concurrency=8):
        await asyncio.Event().wait()      # drive runs until stopped

DBOS is one per process: a process runs at most one worker. Its workflows run on the event
loop that started it. Runs it drives hold a lease of its own (`agentkit.runs.lease`), so a
cancel from any process stops their tools within a heartbeat, as for in-process runs.
"""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import Awaitable, Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from types import TracebackType
from typing import TYPE_CHECKING, Any

from dbos import DBOS, DBOSClient

from agentkit.durable.reaper import Reaper
from agentkit.durable.settings import QUEUE_NAME, DBOSSettings
from agentkit.durable.workflow import WorkerRuntime, install_runtime
from agentkit.exceptions import UserError
from agentkit.middleware.base import Middleware
from agentkit.records import Run
from agentkit.stores.base import DRIVEN_RUN_STATUSES, Lease, Store
from agentkit.stores.postgres import PostgresStore

if TYPE_CHECKING:
    from agentkit.agent import Agent

__all__ = ["AgentResolver", "DBOSWorker"]

AgentResolver = Callable[[Run, Store], "Agent[Any] | Awaitable[Agent[Any]]"]
"""Builds the agent that drives a run (from ``run.assistant_id``, its fields...), given the
run and its project's store."""


class DBOSWorker:
    """Drives queued runs as DBOS workflows, at most ``concurrency`` at a time.

    Args:
        store: the Postgres store the runs are recorded in.
        agents: the agents this worker can drive, matched by ``run.assistant_id`` (the
            agent's ``id``), or an `AgentResolver`: a function from a run (and its
            project's store) to its agent.
        settings: how to reach DBOS's tables and how this worker takes part (default:
            the store's database, a fresh executor id).
        concurrency: runs this worker drives at once.
        middleware: wraps every run, outside the agent's own (see `Runner`).
        deps: given to tools as ``ctx.deps``.
    """

    def __init__(
        self,
        store: PostgresStore,
        agents: Sequence[Agent[Any]] | AgentResolver,
        *,
        settings: DBOSSettings | None = None,
        concurrency: int = 8,
        middleware: Sequence[Middleware] | None = None,
        deps: Any = None,
    ) -> None:
        if concurrency < 1:
            raise UserError(f"DBOSWorker(concurrency={concurrency}): must be at least 1")
        self.store = store
        self.settings = settings or DBOSSettings(store.url)
        self.concurrency = concurrency
        self._runtime = WorkerRuntime(
            store=store,
            resolve_agent=_resolver(agents),
            middleware=tuple(middleware or ()),
            default_retries=middleware is None,
            deps=deps,
            pause_poll=self.settings.pause_poll,
        )
        self._client: DBOSClient | None = None
        self._reaper: Reaper | None = None

    @property
    def executor_id(self) -> str:
        """This worker's name among the workers."""
        return self.settings.executor_id

    async def start(self) -> None:
        """Join the workers: heartbeat first, then DBOS (recovering this id's workflows)."""
        await self.store.open()  # creates agentkit's tables, the workers' among them
        install_runtime(self._runtime)
        DBOS(config=self.settings.dbos_config())  # type: ignore[arg-type]
        # Launched from this loop, so that the workflows run on it.
        DBOS.launch()
        self._client = await asyncio.to_thread(self.settings.client)
        self._runtime.client = self._client
        self._reaper = Reaper(self.settings, self._client)
        await self._reaper.start()
        await DBOS.register_queue_async(
            QUEUE_NAME,
            worker_concurrency=self.concurrency,
            polling_interval_sec=self.settings.poll_interval,
        )

    async def drain(self, grace: float) -> int:
        """Stop taking runs and wait up to ``grace`` seconds for those being driven.

        Paused runs are let go at once (nothing runs for them); runs taken from the queue
        from now on are left pending, for another worker. Returns how many runs are still
        being driven.
        """
        runtime = self._runtime
        runtime.stopping = True
        for task in list(runtime.waiting):
            task.cancel()
        if runtime.driving:
            await asyncio.wait(set(runtime.driving), timeout=grace)
        return len(runtime.driving)

    async def stop(self, grace: float = 10.0) -> None:
        """Leave, after `drain`: runs still driven after ``grace`` seconds are released.

        A released run keeps its status and what it recorded; its lease is dropped, and its
        workflow stays pending, so the other workers continue it once this worker's
        heartbeat has gone silent (`DBOSSettings.dead_after`).
        """
        await self.drain(grace)
        runtime = self._runtime
        released = list(runtime.states.values())
        for state in released:
            state.released = True
        tasks = {*runtime.waiting, *runtime.driving}
        for task in tasks:
            task.cancel()
        if tasks:
            await asyncio.wait(tasks)
        for state in released:
            if state.run.status in DRIVEN_RUN_STATUSES:
                await self.store.scoped(state.store.project).renew_lease(
                    state.run.id, Lease(runtime.terms.owner, 0.0)
                )
        for toolset in list(runtime.toolsets):
            await toolset.aclose()
        runtime.toolsets.clear()
        if self._reaper is not None:
            await self._reaper.stop()
            self._reaper = None
        if self._client is not None:
            client, self._client = self._client, None
            await asyncio.to_thread(client.destroy)
        DBOS.destroy()
        # DBOS made its executor this loop's default one, and shut it down.
        asyncio.get_running_loop().set_default_executor(ThreadPoolExecutor())
        install_runtime(None)

    async def __aenter__(self) -> DBOSWorker:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.stop()


def _resolver(
    agents: Sequence[Agent[Any]] | AgentResolver,
) -> Callable[[Run, Store], Awaitable[Agent[Any]]]:
    if callable(agents):
        build = agents

        async def resolve_with(run: Run, store: Store) -> Agent[Any]:
            agent = build(run, store)
            return await agent if inspect.isawaitable(agent) else agent

        return resolve_with
    by_id: Mapping[str, Agent[Any]] = {agent.id: agent for agent in agents}

    async def resolve(run: Run, store: Store) -> Agent[Any]:
        try:
            return by_id[run.assistant_id]
        except KeyError:
            raise UserError(
                f"This worker has no agent with id {run.assistant_id!r} (run {run.id}); it "
                f"has {', '.join(sorted(by_id)) or 'none'}."
            ) from None

    return resolve
