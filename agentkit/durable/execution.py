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
import logging
from collections.abc import AsyncGenerator, Sequence
from typing import Any

from dbos import DBOSClient

from agentkit.durable.publisher import START_KEY, read_events, resume_key
from agentkit.durable.settings import QUEUE_NAME, WORKFLOW_NAME, WORKFLOW_VERSION, DBOSSettings
from agentkit.durable.workflow import RESUME_TOPIC
from agentkit.events import MessageCompletedEvent, RunEvent, RunStatusEvent, StepCompletedEvent
from agentkit.exceptions import UserError
from agentkit.middleware.base import Middleware
from agentkit.records import LastError, Run, now
from agentkit.runs.execution import RunExecution
from agentkit.runs.state import RunState
from agentkit.stores.base import Store

__all__ = ["DBOSExecution"]

_log = logging.getLogger("agentkit.durable")

_SETTLE_POLL = 0.2
"""Seconds between looks at the store while following a run whose stream ended early."""


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
        last, seen = run, set[str]()
        async for event in read_events(client, run.id, key):
            if isinstance(event, RunStatusEvent):
                last = event.run
            elif isinstance(event, MessageCompletedEvent):
                seen.add(event.message.id)
            yield event
        if not _settled(last):
            # The segment's stream ended before the run did: the worker driving it lost it
            # to another (a worker taken for dead under load, then reaped). The run goes on
            # there; its ending is read from the store.
            _log.warning("the event stream of run %s ended early; following the store", run.id)
            async for event in _settle_from_store(state.store, run.id, seen):
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


def _settled(run: Run) -> bool:
    """Whether the run has ended or paused (a segment's stream ends there)."""
    return run.is_terminal or run.status == "requires_action"


async def _settle_from_store(
    store: Store, run_id: str, seen: set[str]
) -> AsyncGenerator[RunEvent, None]:
    """Wait for the run to end or pause; then its steps, unseen messages and status."""
    run = await store.get_run(run_id)
    while not _settled(run):
        await asyncio.sleep(_SETTLE_POLL)  # another process drives it: nothing to wait on here
        run = await store.get_run(run_id)
    for step in await store.list_steps(run_id):
        yield StepCompletedEvent(step)
    for message in await store.list_messages(run.thread_id):
        if message.run_id == run_id and message.role == "assistant" and message.id not in seen:
            yield MessageCompletedEvent(message)
    yield RunStatusEvent(run)
