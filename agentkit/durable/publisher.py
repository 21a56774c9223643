"""A run's events, published from the worker that drives it to whoever reads them.

Events go to a DBOS stream of the run's workflow, one stream per stretch of driving (a
"segment": from the start to the first pause, then from each resume), so that a reader
started after the events were written still reads them all, from any process.

Every row costs a write (and a notification to every listening process), so events are
written in batches: the loop's ``emit`` is synchronous and only buffers. A batch holding a
piece of the answer (`TextDeltaEvent`) is written ``_DELTA_DELAY`` after its first event, so
streamed text stays live; other events wait up to ``_EVENT_DELAY`` for company, and the
segment's last batch, written when it ends, marks the end (no separate close). A short run
is one row.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from types import TracebackType

from dbos import DBOS, DBOSClient

from agentkit.durable.event_codec import decode_batch, encode_batch
from agentkit.events import RunEvent, TextDeltaEvent

__all__ = ["EventPublisher", "read_events", "resume_key"]

START_KEY = "events:start"
# How long an event may wait in the buffer: what publishing adds to its latency, against a
# write per event. Pieces of the answer are what a streaming reader shows as they come.
_DELTA_DELAY = 0.05
_EVENT_DELAY = 0.25


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
        self._due = 0.0  # loop time by which the buffer must be written
        self._wake = asyncio.Event()
        self._writer: asyncio.Task[None] | None = None
        self._closing = False

    def emit(self, event: RunEvent) -> None:
        """The run's ``ctx.emit``: queue ``event`` for the next batch."""
        now = asyncio.get_running_loop().time()
        delay = _DELTA_DELAY if isinstance(event, TextDeltaEvent) else _EVENT_DELAY
        self._due = min(self._due, now + delay) if self._buffer else now + delay
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

    async def _write_forever(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            await self._wake.wait()
            self._wake.clear()
            if self._closing:
                await self._write(end=True)
                return
            if not self._buffer:
                continue
            wait = self._due - loop.time()
            if wait > 0:
                # Until due, or until an event comes that is due sooner (or the end).
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._wake.wait(), wait)
                self._wake.set()  # look again
                continue
            await self._write(end=False)

    async def _write(self, *, end: bool) -> None:
        if self._buffer or end:
            batch, self._buffer = self._buffer, []
            await DBOS.write_stream_async(self.key, encode_batch(batch, end=end))


async def read_events(client: DBOSClient, run_id: str, key: str) -> AsyncIterator[RunEvent]:
    """The events of one segment of a run, as they are published, until the segment ends."""
    batches = client.read_stream_async(run_id, key)
    try:
        async for row in batches:
            events, end = decode_batch(row)
            for event in events:
                yield event
            if end:
                return
    finally:
        await batches.aclose()
