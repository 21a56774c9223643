"""The channel a run's events travel through, from the loop's task to the consumer."""

from __future__ import annotations

import asyncio
from collections import deque
from typing import Generic, TypeVar

__all__ = ["Channel"]

T = TypeVar("T")


class Channel(Generic[T]):
    """An unbounded single-consumer queue, lighter than `asyncio.Queue` for this one job.

    The loop emits bursts of events between awaits; the consumer takes them one by one and
    waits (one future) only when the channel is empty.
    """

    __slots__ = ("_items", "_waiter")

    def __init__(self) -> None:
        self._items: deque[T] = deque()
        self._waiter: asyncio.Future[None] | None = None

    def put(self, item: T) -> None:
        """Add an item; wakes the consumer if it is waiting."""
        self._items.append(item)
        waiter = self._waiter
        if waiter is not None:
            self._waiter = None
            if not waiter.done():
                waiter.set_result(None)

    async def get(self) -> T:
        """The next item, waiting for one if the channel is empty."""
        while not self._items:
            self._waiter = asyncio.get_running_loop().create_future()
            await self._waiter
        return self._items.popleft()
