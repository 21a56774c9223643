"""A run's events, published from the worker that drives it to whoever reads them.

Events go to a DBOS stream of the run's workflow, one stream per stretch of driving (a
"segment": from the start to the first pause, then from each resume), so that a reader
started after the events were written still reads them all, from any process. The loop's
``emit`` is synchronous; the publisher buffers events and writes each batch in one row.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from types import TracebackType

from dbos import DBOS, DBOSClient

from agentkit.durable.event_codec import decode_events, encode_events
from agentkit.events import RunEvent

__all__ = ["EventPublisher", "read_events", "resume_key"]

START_KEY = "events:start"
# How long the publisher lets events gather before writing them: what streaming adds to an
# event's latency, against one write per event.
_COALESCE_SECONDS = 0.05


def resume_key(step_id: str) -> str:
    """The stream of the segment that resumes the run paused on step ``step_id``."""
    return f"events:resume:{step_id}"


class EventPublisher:
    """Writes the events a segment emits to its stream; use ``async with`` in the workflow.

    Args:
        key: the segment's stream.
    """

    def __init__(self, key: str) -> None:
        self.key = key
        self._buffer: list[RunEvent] = []
        self._wake = asyncio.Event()
        self._writer: asyncio.Task[None] | None = None
        self._closing = False

    def emit(self, event: RunEvent) -> None:
        """The run's ``ctx.emit``: queue ``event`` for the next batch."""
        self._buffer.append(event)
        self._wake.set()

    async def __aenter__(self) -> EventPublisher:
        self._writer = asyncio.create_task(
            self._write_forever(), name=f"agentkit-events:{self.key}"
        )
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        assert self._writer is not None
        # Not cancelled: a write in flight finishes in its thread anyway, and the last
        # batch must follow it, in order.
        self._closing = True
        self._wake.set()
        await asyncio.shield(self._writer)
        await DBOS.close_stream_async(self.key)

    async def _write_forever(self) -> None:
        while True:
            await self._wake.wait()
            if not self._closing:
                # Events come in bursts (a step, its calls, their deltas): one row for a
                # burst, not one per event, keeps the writes (and readers' reads) few.
                await asyncio.sleep(_COALESCE_SECONDS)
            self._wake.clear()
            await self._flush()
            if self._closing and not self._buffer:
                return

    async def _flush(self) -> None:
        if self._buffer:
            batch, self._buffer = self._buffer, []
            await DBOS.write_stream_async(self.key, encode_events(batch))


async def read_events(client: DBOSClient, run_id: str, key: str) -> AsyncIterator[RunEvent]:
    """The events of one segment of a run, as they are published, until the segment ends."""
    batches = client.read_stream_async(run_id, key)
    try:
        async for batch in batches:
            for event in decode_events(batch):
                yield event
    finally:
        await batches.aclose()
