"""Cursor paging (order, after, before, limit) of every paged listing, for every store."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import pytest

from agentkit.records import Thread
from agentkit.stores import AssistantsStore, ListOrder

from .conftest import new_run, new_step, thread_with_run, user_message

Lister = Callable[..., Awaitable[list[Any]]]


async def five_messages(store: AssistantsStore) -> tuple[list[str], Lister]:
    thread = await store.create_thread(Thread())
    made = [await store.add_message(user_message(thread.id, str(i))) for i in range(5)]
    return [m.id for m in made], lambda **kw: store.list_messages(thread.id, **kw)


async def five_runs(store: AssistantsStore) -> tuple[list[str], Lister]:
    thread = await store.create_thread(Thread())
    made = [await store.create_run(new_run(thread.id, "completed"), {}) for _ in range(5)]
    return [r.id for r in made], lambda **kw: store.list_runs(thread.id, **kw)


async def five_steps(store: AssistantsStore) -> tuple[list[str], Lister]:
    _, run = await thread_with_run(store)
    made = [new_step(run) for _ in range(5)]
    for step in made:
        await store.save_step(step)
    return [s.id for s in made], lambda **kw: store.list_steps(run.id, **kw)


async def five_assistants(store: AssistantsStore) -> tuple[list[str], Lister]:
    made = [f"asst_{i}" for i in range(5)]
    for created_at, assistant_id in enumerate(made):
        await store.save_assistant({"id": assistant_id, "created_at": created_at})
    return made, store.list_assistants


MAKERS = {
    "messages": five_messages,
    "runs": five_runs,
    "steps": five_steps,
    "assistants": five_assistants,
}

# (order, after, before, limit) as indexes into the five ids in creation order -> expected.
CASES: list[tuple[ListOrder, int | None, int | None, int | None, list[int]]] = [
    ("asc", None, None, None, [0, 1, 2, 3, 4]),
    ("desc", None, None, None, [4, 3, 2, 1, 0]),
    ("asc", None, None, 2, [0, 1]),
    ("desc", None, None, 2, [4, 3]),
    ("asc", 1, None, None, [2, 3, 4]),
    ("desc", 3, None, None, [2, 1, 0]),
    ("asc", None, 3, None, [0, 1, 2]),
    ("desc", None, 1, None, [4, 3, 2]),
    ("asc", 0, 4, 2, [1, 2]),
    ("desc", 4, 0, None, [3, 2, 1]),
    ("asc", 3, 1, None, []),
    ("asc", 4, None, None, []),
    ("asc", None, None, 0, []),
]


@pytest.mark.parametrize("kind", sorted(MAKERS))
@pytest.mark.parametrize(("order", "after", "before", "limit", "expected"), CASES)
async def test_paging_selects_exactly_the_expected_ids(
    store: AssistantsStore,
    kind: str,
    order: ListOrder,
    after: int | None,
    before: int | None,
    limit: int | None,
    expected: list[int],
) -> None:
    made, lister = await MAKERS[kind](store)

    listed = await lister(
        order=order,
        after=None if after is None else made[after],
        before=None if before is None else made[before],
        limit=limit,
    )

    assert [_id(item) for item in listed] == [made[i] for i in expected]


@pytest.mark.parametrize("kind", sorted(MAKERS))
@pytest.mark.parametrize("cursor", ["after", "before"])
async def test_unknown_cursor_selects_nothing(
    store: AssistantsStore, kind: str, cursor: str
) -> None:
    _, lister = await MAKERS[kind](store)

    assert await lister(**{cursor: "id_missing"}) == []


async def test_cursor_from_another_thread_selects_nothing(store: AssistantsStore) -> None:
    other_ids, _ = await five_messages(store)
    _, lister = await five_messages(store)

    assert await lister(after=other_ids[0]) == []


def _id(item: Any) -> str:
    return str(item["id"] if isinstance(item, dict) else item.id)
