"""Runs in the background of the server: one task per run activity, owned by the app.

Creating a run (or submitting tool outputs) starts a task that drains the engine's event
stream. The request gets the run as soon as the engine has recorded it; a streaming request
also gets the task's events through a queue. A client that goes away does not stop the run
(as with the Assistants API). The server's shutdown releases the runs being driven (they
keep their status; the next start, or another server on the file, continues them) and ends
every task.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator
from contextlib import aclosing, nullcontext

import structlog

from agentkit.events import RunEvent, RunStatusEvent
from agentkit.files import Files
from agentkit.records import Run
from agentkit.runner import Runner
from agentkit.runs.execution import RunExecution
from agentkit.runs.liveness import drained
from agentkit.server.logs import log_failure
from agentkit.stores.assistants import AssistantsStore
from agentkit.stores.files import FileStore

__all__ = ["EventQueue", "RunExecutor"]

_log = structlog.get_logger("agentkit.server")

EventQueue = asyncio.Queue[RunEvent | None]
"""A run's events for one streaming response; None marks the end (run ended or paused)."""


class RunExecutor:
    """Owns the runners (one per project) and the background tasks driving runs.

    Args:
        store: the root store; each project's runner gets a scoped view of it.
        files: the files over the root store; each project gets a view over its store.
        lease_ttl: seconds the runners' leases on their runs last unrenewed.
        execution: how every runner executes its runs (default: each in this process).
    """

    def __init__(
        self,
        store: AssistantsStore,
        files: Files,
        *,
        lease_ttl: float = 30.0,
        execution: RunExecution | None = None,
    ) -> None:
        self.store = store
        self.root_files = files
        self.lease_ttl = lease_ttl
        self.execution = execution
        self._projects: dict[str, tuple[AssistantsStore, Runner]] = {}
        self._files: dict[str, Files] = {}
        self._tasks: set[asyncio.Task[None]] = set()

    def project(self, project: str) -> tuple[AssistantsStore, Runner]:
        """The scoped store and the runner of ``project`` (created on first use)."""
        if project not in self._projects:
            scoped = self.store.scoped(project)
            runner = Runner(scoped, lease_ttl=self.lease_ttl, execution=self.execution)
            self._projects[project] = (scoped, runner)
        return self._projects[project]

    def files(self, project: str) -> Files:
        """The files of ``project`` (its view of the store, the shared directory)."""
        if project not in self._files:
            scoped = self.project(project)[0]
            assert isinstance(scoped, FileStore)
            self._files[project] = self.root_files.scoped(scoped)
        return self._files[project]

    async def start(
        self, events: AsyncGenerator[RunEvent, None], *, stream: bool
    ) -> tuple[Run, EventQueue | None]:
        """Drive ``events`` in the background; return the run's first state (and the queue).

        Raises:
            whatever the engine raises before the run is recorded (`ActiveRunError`,
            `NotFoundError`, `InvalidRunStateError`...).
        """
        first: asyncio.Future[Run] = asyncio.get_running_loop().create_future()
        queue: EventQueue | None = asyncio.Queue() if stream else None
        task = asyncio.create_task(self._pump(events, first, queue), name="agentkit-serve-run")
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return await asyncio.shield(first), queue

    async def _pump(
        self,
        events: AsyncGenerator[RunEvent, None],
        first: asyncio.Future[Run],
        queue: EventQueue | None,
    ) -> None:
        # Without a queue, nobody reads a piece of an answer before the whole (the client
        # polls): the run's model calls need not stream.
        live = nullcontext() if queue is not None else drained()
        try:
            with live:
                async with aclosing(events) as stream:
                    async for event in stream:
                        if not first.done() and isinstance(event, RunStatusEvent):
                            first.set_result(event.run)
                        if queue is not None:
                            queue.put_nowait(event)
        except Exception as exc:
            if not first.done():
                first.set_exception(exc)
            else:
                log_failure(_log, "run task failed", exc)
        finally:
            if not first.done():
                first.cancel()
            if queue is not None:
                queue.put_nowait(None)

    async def aclose(self) -> None:
        """Release the runs being driven (the next start continues them), end every task."""
        for _, runner in self._projects.values():
            await runner.release()
        tasks = list(self._tasks)
        for task in tasks:
            task.cancel()
        if tasks:
            await asyncio.wait(tasks)
