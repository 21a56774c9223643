"""`DBOSExecution`: a `Runner`'s runs, executed by DBOS workers instead of this event loop.

::

    store = PostgresStore(url)
    runner = Runner(store, execution=DBOSExecution(url))
    result = await runner.run(agent, "hi")        # a worker drives it; its events come back

The runner records each run as usual, then this execution enqueues the run's workflow on the
shared queue (or, for ``submit_tool_outputs``, wakes the paused run's workflow) and streams
the events the driving worker publishes. Leaving the stream early does not stop the run: it
goes on in its worker (cancel it with ``runner.cancel``). Workers must have the agent
(`DBOSWorker`'s ``agents``); ``deps`` and per-run ``middleware`` are the worker's.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator, Sequence
from typing import Any

from dbos import DBOSClient

from agentkit.durable.publisher import START_KEY, read_events, resume_key
from agentkit.durable.settings import QUEUE_NAME, WORKFLOW_NAME, WORKFLOW_VERSION, DBOSSettings
from agentkit.durable.workflow import RESUME_TOPIC
from agentkit.events import RunEvent, RunStatusEvent
from agentkit.exceptions import UserError
from agentkit.middleware.base import Middleware
from agentkit.records import LastError, now
from agentkit.runs.execution import RunExecution
from agentkit.runs.state import RunState

__all__ = ["DBOSExecution"]


class DBOSExecution(RunExecution):
    """Hands recorded runs to DBOS workers and streams their events back.

    Args:
        settings: the database (a ``postgresql://`` URL, or `DBOSSettings`); the same as
            the workers' and the store's.
    """

    def __init__(self, settings: DBOSSettings | str) -> None:
        self.settings = settings if isinstance(settings, DBOSSettings) else DBOSSettings(settings)
        self._client: DBOSClient | None = None
        self._connecting = asyncio.Lock()

    def check_options(self, *, deps: Any, middleware: Sequence[Middleware]) -> None:
        if deps is not None:
            raise UserError(
                "deps=... cannot be sent to the DBOS workers that execute this run; give "
                "them to the workers (DBOSWorker(deps=...))."
            )
        if middleware:
            raise UserError(
                "middleware=... cannot be sent to the DBOS workers that execute this run; "
                "give it to the agent or to the workers (DBOSWorker(middleware=...))."
            )

    async def client(self) -> DBOSClient:
        """The DBOS client of this execution (connected on first use)."""
        async with self._connecting:
            if self._client is None:
                self._client = await asyncio.to_thread(self.settings.client)
        return self._client

    async def stream(
        self, state: RunState, stack: tuple[Middleware, ...], *, resumed: bool
    ) -> AsyncGenerator[RunEvent, None]:
        run = state.run
        client = await self.client()
        # Queued (or woken) before the first event: a consumer may stop at any event.
        if resumed:
            assert state.pending_step is not None
            key = resume_key(state.pending_step.id)
            await client.send_async(run.id, {"resumed": state.pending_step.id}, RESUME_TOPIC)
        else:
            key = START_KEY
            await self._enqueue(client, state)
        yield RunStatusEvent(run)
        async for event in read_events(client, run.id, key):
            yield event

    async def _enqueue(self, client: DBOSClient, state: RunState) -> None:
        run = state.run
        options: Any = {
            "queue_name": QUEUE_NAME,
            "workflow_name": WORKFLOW_NAME,
            "workflow_id": run.id,
            "app_version": WORKFLOW_VERSION,
        }
        try:
            await client.enqueue_async(options, run.id, state.store.project)
        except BaseException as exc:
            # Recorded but never queued: nobody would drive it, so it ends here.
            error = LastError(code="server_error", message=f"could not queue the run: {exc}")
            failed = run.model_copy(
                update={"status": "failed", "failed_at": now(), "last_error": error}
            )
            await asyncio.shield(state.store.transition_run(failed, expected={"queued"}))
            raise

    async def aclose(self) -> None:
        """Close the DBOS client."""
        if self._client is not None:
            client, self._client = self._client, None
            await asyncio.to_thread(client.destroy)
