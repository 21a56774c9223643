"""A runner keeps a thread's history between runs: only new messages are loaded, edits reload."""

from __future__ import annotations

from typing import Any

from agentkit import Agent, Runner
from agentkit.models import ModelRequest
from agentkit.models.request import AssistantMessageItem, UserMessageItem
from agentkit.records import Message, TruncationStrategy
from agentkit.runs.history_cache import HistoryCache
from agentkit.stores import MemoryStore, SQLiteStore
from agentkit.testing import FunctionInfo, FunctionModel, ModelTurn


class LoadCountingStore(MemoryStore):
    """A MemoryStore that counts the messages each `list_messages` call loads."""

    def __init__(self) -> None:
        super().__init__()
        self.loaded: list[int] = []

    async def list_messages(self, thread_id: str, **options: Any) -> list[Message]:
        messages = await super().list_messages(thread_id, **options)
        self.loaded.append(len(messages))
        return messages


def recording_agent(seen: list[list[str]]) -> Agent[None]:
    def script(request: ModelRequest, info: FunctionInfo) -> ModelTurn:
        texts = [
            item.text
            for item in request.items
            if isinstance(item, UserMessageItem | AssistantMessageItem)
        ]
        seen.append(texts)
        return ModelTurn(text=f"answer {len(texts)}")

    return Agent(name="history", model=FunctionModel(script))


async def test_each_run_loads_only_the_messages_added_since_the_last() -> None:
    store = LoadCountingStore()
    runner = Runner(store)
    seen: list[list[str]] = []
    agent = recording_agent(seen)
    first = await runner.run(agent, "one")
    for word in ("two", "three", "four", "five"):
        await runner.run(agent, word, thread=first.thread_id)

    # The first run, on a new thread, loads nothing; each later run loads the previous run's
    # input and answer: two messages, however long the thread has grown.
    assert store.loaded == [2, 2, 2, 2]
    assert seen[-1] == [
        "one", "answer 1", "two", "answer 3", "three", "answer 5", "four", "answer 7", "five"
    ]  # fmt: skip


async def test_messages_added_outside_a_run_are_seen() -> None:
    runner = Runner()
    seen: list[list[str]] = []
    agent = recording_agent(seen)
    first = await runner.run(agent, "one")
    await runner.add_message(first.thread_id, "an aside")

    await runner.run(agent, "two", thread=first.thread_id)

    assert seen[-1] == ["one", "answer 1", "an aside", "two"]


async def test_an_edited_or_deleted_message_is_seen_as_it_is_now() -> None:
    store = MemoryStore()
    runner = Runner(store)
    seen: list[list[str]] = []
    agent = recording_agent(seen)
    first = await runner.run(agent, "one")
    second = await runner.run(agent, "two", thread=first.thread_id)
    [answer] = second.messages
    await store.update_message(Message.of_text(first.thread_id, "assistant", "edited").model_copy(
        update={"id": answer.id, "run_id": answer.run_id}
    ))  # fmt: skip
    await runner.run(agent, "three", thread=first.thread_id)
    messages = await store.list_messages(first.thread_id)
    await store.delete_message(messages[0].id)

    await runner.run(agent, "four", thread=first.thread_id)

    assert seen[-2] == ["one", "answer 1", "two", "edited", "three"]
    assert seen[-1] == ["answer 1", "two", "edited", "three", "answer 5", "four"]


async def test_a_store_without_versions_is_read_in_full(tmp_path: Any) -> None:
    seen: list[list[str]] = []
    agent = recording_agent(seen)
    async with Runner(SQLiteStore(tmp_path / "h.db")) as runner:
        first = await runner.run(agent, "one")
        await runner.run(agent, "two", thread=first.thread_id)
    assert seen[-1] == ["one", "answer 1", "two"]


async def test_the_cache_keeps_a_bounded_number_of_threads() -> None:
    store = MemoryStore()
    runner = Runner(store)
    cache = HistoryCache(size=2)
    agent = recording_agent([])
    threads = [(await runner.run(agent, f"q{n}")).thread_id for n in range(4)]

    for thread_id in threads:
        await cache.history(store, thread_id, [], TruncationStrategy(), None)

    assert len(cache) == 2
