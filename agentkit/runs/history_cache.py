"""A thread's history kept between runs, so a long thread is not reloaded at every run.

Each run shows the model its thread's earlier messages. Loading them means validating every
stored message and converting it to a model item: microseconds per message, paid again at
every run, which adds up on long threads. A store that can say how a thread's messages
changed (`VersionedHistory`: how many there are, and how many edits and deletions there
were) lets the runner keep the converted items and load only the messages added since; any
edit or deletion reloads the thread. Stores without it (SQLite, Postgres: other processes
write to them too) are read in full each run, as before.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Protocol

from agentkit.models.request import ModelItem
from agentkit.records import Message, TruncationStrategy
from agentkit.runs.history import estimate_tokens, message_item, select_history
from agentkit.stores.base import Store

__all__ = ["HistoryCache", "VersionedHistory"]


class VersionedHistory(Protocol):
    """A store that can say whether a thread's messages changed other than by additions."""

    async def history_version(self, thread_id: str) -> tuple[int, int]:
        """(edits and deletions so far, number of messages) of the thread's messages."""
        ...


@dataclass
class _Entry:
    edits: int
    ids: list[str] = field(default_factory=list)
    items: list[ModelItem] = field(default_factory=list)
    tokens: list[int] = field(default_factory=list)

    def extend(self, messages: Sequence[Message]) -> None:
        for message in messages:
            self.ids.append(message.id)
            self.items.append(message_item(message))
            self.tokens.append(estimate_tokens(message.text))


class HistoryCache:
    """The converted history of the threads a runner used last (at most ``size`` threads).

    Args:
        size: how many threads to keep (the least recently used is dropped first).
    """

    def __init__(self, size: int = 64) -> None:
        self.size = size
        self._entries: OrderedDict[str, _Entry] = OrderedDict()

    def __len__(self) -> int:
        return len(self._entries)

    async def history(
        self,
        store: Store,
        thread_id: str,
        new_messages: Sequence[Message],
        truncation: TruncationStrategy,
        max_prompt_tokens: int | None,
        *,
        new_thread: bool = False,
    ) -> list[ModelItem]:
        """The model items of the thread's messages and ``new_messages``, truncated.

        A ``new_thread`` (not stored yet) has no messages: the store is not asked.
        """
        entry = _Entry(edits=0) if new_thread else await self._entry(store, thread_id)
        items = [*entry.items, *(message_item(m) for m in new_messages)]
        tokens = [*entry.tokens, *(estimate_tokens(m.text) for m in new_messages)]
        return select_history(items, tokens, truncation, max_prompt_tokens)

    async def _entry(self, store: Store, thread_id: str) -> _Entry:
        # Not isinstance(store, VersionedHistory): a runtime protocol check costs ~15 µs. A
        # method, awaited, so that stores wrapping a MemoryStore pass it on as they do others.
        version = getattr(store, "history_version", None)
        if version is None:
            return await _loaded(store, thread_id, edits=0)
        edits, count = await version(thread_id)
        entry = self._entries.pop(thread_id) if thread_id in self._entries else None
        if count == 0:  # a new thread: nothing to load
            entry = _Entry(edits=edits)
        elif entry is None or entry.edits != edits or len(entry.ids) > count:
            entry = await _loaded(store, thread_id, edits=edits)
        elif len(entry.ids) < count:
            after = entry.ids[-1] if entry.ids else None
            entry.extend(await store.list_messages(thread_id, after=after))
        self._entries[thread_id] = entry
        while len(self._entries) > self.size:
            self._entries.popitem(last=False)
        return entry


async def _loaded(store: Store, thread_id: str, *, edits: int) -> _Entry:
    entry = _Entry(edits=edits)
    entry.extend(await store.list_messages(thread_id))
    return entry
