"""Project isolation and copy semantics, for every store."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import pytest

from agentkit.exceptions import NotFoundError
from agentkit.records import TextContent, Thread
from agentkit.stores import AssistantsStore

from .conftest import ids, new_run, new_step, thread_with_run, user_message

# -- projects --------------------------------------------------------------------------------


async def _objects_of_project_a(store: AssistantsStore) -> dict[str, Any]:
    project_a = store.scoped("a")
    thread, run = await thread_with_run(project_a, "requires_action")
    message = await project_a.add_message(user_message(thread.id), require_idle=False)
    step = new_step(run)
    await project_a.save_step(step)
    await project_a.save_assistant({"id": "asst_a", "created_at": 1})
    return {"thread": thread, "run": run, "message": message, "step": step}


CALLS_ON_ANOTHER_PROJECTS_IDS: dict[
    str, Callable[[AssistantsStore, dict[str, Any]], Awaitable[object]]
] = {
    "get_thread": lambda s, o: s.get_thread(o["thread"].id),
    "update_thread": lambda s, o: s.update_thread(o["thread"]),
    "delete_thread": lambda s, o: s.delete_thread(o["thread"].id),
    "add_message": lambda s, o: s.add_message(user_message(o["thread"].id), require_idle=False),
    "get_message": lambda s, o: s.get_message(o["message"].id),
    "update_message": lambda s, o: s.update_message(o["message"]),
    "delete_message": lambda s, o: s.delete_message(o["message"].id),
    "list_messages": lambda s, o: s.list_messages(o["thread"].id),
    "create_run": lambda s, o: s.create_run(new_run(o["thread"].id), {}),
    "get_run": lambda s, o: s.get_run(o["run"].id),
    "get_run_state": lambda s, o: s.get_run_state(o["run"].id),
    "save_run": lambda s, o: s.save_run(o["run"]),
    "transition_run": lambda s, o: s.transition_run(o["run"], expected={"requires_action"}),
    "list_runs": lambda s, o: s.list_runs(o["thread"].id),
    "save_step": lambda s, o: s.save_step(o["step"]),
    "get_step": lambda s, o: s.get_step(o["step"].id),
    "list_steps": lambda s, o: s.list_steps(o["run"].id),
    "save_assistant": lambda s, o: s.save_assistant({"id": "asst_a", "created_at": 2}),
    "get_assistant": lambda s, o: s.get_assistant("asst_a"),
    "delete_assistant": lambda s, o: s.delete_assistant("asst_a"),
}


@pytest.mark.parametrize("method", sorted(CALLS_ON_ANOTHER_PROJECTS_IDS))
async def test_another_projects_ids_are_not_found(store: AssistantsStore, method: str) -> None:
    objects = await _objects_of_project_a(store)

    with pytest.raises(NotFoundError):
        await CALLS_ON_ANOTHER_PROJECTS_IDS[method](store.scoped("b"), objects)


async def test_another_projects_objects_are_left_unchanged(store: AssistantsStore) -> None:
    objects = await _objects_of_project_a(store)
    project_b = store.scoped("b")
    for call in CALLS_ON_ANOTHER_PROJECTS_IDS.values():
        with pytest.raises(NotFoundError):
            await call(project_b, objects)

    project_a = store.scoped("a")
    assert await project_a.get_thread(objects["thread"].id) == objects["thread"]
    assert await project_a.get_run(objects["run"].id) == objects["run"]
    assert await project_a.get_step(objects["step"].id) == objects["step"]
    assert ids(await project_a.list_messages(objects["thread"].id)) == [objects["message"].id]
    assert await project_a.get_assistant("asst_a") == {"id": "asst_a", "created_at": 1}


async def test_listings_show_only_the_stores_project(store: AssistantsStore) -> None:
    objects = await _objects_of_project_a(store)
    mine = await store.create_thread(Thread())

    assert ids(await store.list_threads()) == [mine.id]
    assert ids(await store.scoped("a").list_threads()) == [objects["thread"].id]
    assert await store.active_runs() == []
    assert await store.list_assistants() == []


async def test_scoped_views_of_one_project_share_the_data(store: AssistantsStore) -> None:
    thread = await store.scoped("a").create_thread(Thread())

    assert await store.scoped("a").get_thread(thread.id) == thread
    assert store.scoped("a").project == "a"


# -- copies ----------------------------------------------------------------------------------


async def test_changing_a_created_object_does_not_change_the_store(store: AssistantsStore) -> None:
    thread = await store.create_thread(Thread(metadata={"k": "v"}))

    thread.metadata["k"] = "changed"

    assert (await store.get_thread(thread.id)).metadata == {"k": "v"}


async def test_changing_a_returned_object_does_not_change_the_store(store: AssistantsStore) -> None:
    thread, run = await thread_with_run(store)
    message = await store.add_message(user_message(thread.id, "original"), require_idle=False)

    (await store.get_run(run.id)).metadata["k"] = "changed"
    part = (await store.list_messages(thread.id))[0].content[0]
    assert isinstance(part, TextContent)
    part.text.value = "changed"

    assert (await store.get_run(run.id)).metadata == {}
    assert (await store.get_message(message.id)).text == "original"


async def test_changing_a_state_after_saving_does_not_change_the_store(
    store: AssistantsStore,
) -> None:
    thread = await store.create_thread(Thread())
    state: dict[str, Any] = {"items": [1]}
    run = await store.create_run(new_run(thread.id), state)

    state["items"].append(2)
    (await store.get_run_state(run.id))["items"].append(3)

    assert await store.get_run_state(run.id) == {"items": [1]}


async def test_changing_an_assistant_record_does_not_change_the_store(
    store: AssistantsStore,
) -> None:
    record: dict[str, Any] = {"id": "asst_1", "created_at": 1, "tools": []}
    await store.save_assistant(record)

    record["tools"].append("x")
    (await store.get_assistant("asst_1"))["tools"].append("y")

    assert await store.get_assistant("asst_1") == {"id": "asst_1", "created_at": 1, "tools": []}
