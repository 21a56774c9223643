"""The event pump both runners use: one task drives the run, the consumer reads its events.

The driving coroutine runs in a task of its own, so a run keeps its own cancellation scope:
`EventPump.cancel` (a runner's ``cancel()``) stops it and lets it record the ending, while
the consumer leaving early (``break``, ``aclose()``, its own task cancelled) cancels it too.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator, Awaitable, Callable, Coroutine
from contextlib import aclosing
from typing import Any

from agentkit.events import RunEvent
from agentkit.runs.channel import Channel
from agentkit.runs.liveness import drained
from agentkit.runs.result import RunResult, RunResultBuilder

__all__ = ["EventPump", "collect"]


class EventPump:
    """Carries one run activity's events from its driving task to the consumer, in order.

    Args:
        name: the driving task's name (shown by debuggers and in leak reports).
        after_cancel: awaited in the driving task after `cancel` stopped it, to finish the
            ending (a remote run waits for the service to confirm it).
    """

    __slots__ = ("_after_cancel", "_cancel_requested", "_channel", "_name", "_task")

    def __init__(
        self, name: str, *, after_cancel: Callable[[], Awaitable[None]] | None = None
    ) -> None:
        self._name = name
        self._after_cancel = after_cancel
        self._channel: Channel[RunEvent | None] = Channel()
        self._task: asyncio.Task[None] | None = None
        self._cancel_requested = False

    def emit(self, event: RunEvent) -> None:
        """Hand an event to the consumer (the run's ``ctx.emit``)."""
        self._channel.put(event)

    async def events(self, drive: Coroutine[Any, Any, Any]) -> AsyncGenerator[RunEvent, None]:
        """Start ``drive`` in its task and yield what it emits until it ends or pauses."""
        task = asyncio.create_task(self._drive(drive), name=self._name)
        self._task = task
        # A callback, not a `finally`: a task cancelled before its first step never runs
        # its coroutine's body, and the consumer must still learn that it ended.
        task.add_done_callback(lambda _: self._ended(drive))
        try:
            while (event := await self._channel.get()) is not None:
                yield event
            await task
        finally:
            if not task.done():
                task.cancel()
                await asyncio.wait({task})

    async def cancel(self) -> bool:
        """Stop the driving task, which records the ending; False if it was not running."""
        task = self._task
        if task is None or task.done():
            return False
        self._cancel_requested = True
        task.cancel()
        await asyncio.wait({task})
        return True

    async def _drive(self, drive: Coroutine[Any, Any, Any]) -> None:
        try:
            await drive
        except asyncio.CancelledError:
            if not self._cancel_requested:
                raise
            task = asyncio.current_task()
            if task is not None:
                task.uncancel()
            if self._after_cancel is not None:
                await self._after_cancel()

    def _ended(self, drive: Coroutine[Any, Any, Any]) -> None:
        drive.close()  # a no-op once it ran; otherwise no "never awaited" warning
        self._channel.put(None)


async def collect(
    events: AsyncGenerator[RunEvent, None], *, keep_events: bool = False
) -> RunResult[Any]:
    """Drain a run's events into its `RunResult` (what every runner's ``run()`` does).

    Args:
        events: the run's event stream.
        keep_events: keep every event in the result (`RunResult.events`).
    """
    builder = RunResultBuilder(keep_events=keep_events)
    with drained():  # nothing reads a piece of the answer before the whole
        async with aclosing(events) as stream:
            async for event in stream:
                builder.add(event)
    return builder.result()
