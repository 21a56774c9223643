"""The AssistantsStore contract, run against every implementation (see the ``store`` fixture)."""

from __future__ import annotations

import pytest

from agentkit.exceptions import ActiveRunError, NotFoundError, UserError
from agentkit.records import ACTIVE_RUN_STATUSES, TERMINAL_RUN_STATUSES, Thread
from agentkit.stores import AssistantsStore

from .conftest import ids, new_run, new_step, thread_with_run, user_message

# -- threads ---------------------------------------------------------------------------------


async def test_get_thread_returns_what_was_created(store: AssistantsStore) -> None:
    thread = await store.create_thread(Thread(metadata={"user": "ada"}))

    assert await store.get_thread(thread.id) == thread


async def test_get_unknown_thread_is_not_found(store: AssistantsStore) -> None:
    with pytest.raises(NotFoundError, match="thread_missing"):
        await store.get_thread("thread_missing")


async def test_create_thread_refuses_an_existing_id(store: AssistantsStore) -> None:
    thread = await store.create_thread(Thread())

    with pytest.raises(UserError, match="already exists"):
        await store.create_thread(Thread(id=thread.id))


async def test_update_thread_replaces_it(store: AssistantsStore) -> None:
    thread = await store.create_thread(Thread())
    thread.metadata = {"topic": "math"}

    await store.update_thread(thread)

    assert (await store.get_thread(thread.id)).metadata == {"topic": "math"}


async def test_update_unknown_thread_is_not_found(store: AssistantsStore) -> None:
    with pytest.raises(NotFoundError):
        await store.update_thread(Thread())


async def test_delete_thread_deletes_its_messages_runs_and_steps(store: AssistantsStore) -> None:
    thread, run = await thread_with_run(store, "completed")
    message = await store.add_message(user_message(thread.id))
    step = new_step(run)
    await store.save_step(step)

    await store.delete_thread(thread.id)

    for get, object_id in [
        (store.get_thread, thread.id),
        (store.get_message, message.id),
        (store.get_run, run.id),
        (store.get_step, step.id),
    ]:
        with pytest.raises(NotFoundError):
            await get(object_id)


async def test_delete_unknown_thread_is_not_found(store: AssistantsStore) -> None:
    with pytest.raises(NotFoundError):
        await store.delete_thread("thread_missing")


async def test_list_threads_is_newest_first_by_default_and_limited(store: AssistantsStore) -> None:
    threads = [await store.create_thread(Thread()) for _ in range(4)]

    assert ids(await store.list_threads()) == ids(threads[::-1])
    assert ids(await store.list_threads(order="asc", limit=3)) == ids(threads[:3])


# -- messages --------------------------------------------------------------------------------


async def test_get_message_returns_what_was_added(store: AssistantsStore) -> None:
    thread = await store.create_thread(Thread())
    message = await store.add_message(user_message(thread.id, "hello"))

    assert await store.get_message(message.id) == message


async def test_add_message_to_unknown_thread_is_not_found(store: AssistantsStore) -> None:
    with pytest.raises(NotFoundError, match="thread_missing"):
        await store.add_message(user_message("thread_missing"))


async def test_add_message_refuses_an_existing_id(store: AssistantsStore) -> None:
    thread = await store.create_thread(Thread())
    message = await store.add_message(user_message(thread.id))

    with pytest.raises(UserError, match="already exists"):
        await store.add_message(message)


async def test_update_message_replaces_it(store: AssistantsStore) -> None:
    thread = await store.create_thread(Thread())
    message = await store.add_message(user_message(thread.id))
    message.status = "incomplete"

    await store.update_message(message)

    assert (await store.get_message(message.id)).status == "incomplete"


async def test_update_unknown_message_is_not_found(store: AssistantsStore) -> None:
    thread = await store.create_thread(Thread())

    with pytest.raises(NotFoundError):
        await store.update_message(user_message(thread.id))


async def test_delete_message_removes_it_from_the_thread(store: AssistantsStore) -> None:
    thread = await store.create_thread(Thread())
    first = await store.add_message(user_message(thread.id, "1"))
    second = await store.add_message(user_message(thread.id, "2"))

    await store.delete_message(first.id)

    assert ids(await store.list_messages(thread.id)) == [second.id]


async def test_delete_unknown_message_is_not_found(store: AssistantsStore) -> None:
    with pytest.raises(NotFoundError):
        await store.delete_message("msg_missing")


async def test_list_messages_filters_by_run(store: AssistantsStore) -> None:
    thread = await store.create_thread(Thread())
    messages = [await store.add_message(user_message(thread.id, run_id=r)) for r in "abab"]

    listed = await store.list_messages(thread.id, run_id="b")

    assert ids(listed) == [messages[1].id, messages[3].id]


async def test_list_messages_cursor_outside_the_run_filter_selects_nothing(
    store: AssistantsStore,
) -> None:
    thread = await store.create_thread(Thread())
    first = await store.add_message(user_message(thread.id, run_id="a"))
    await store.add_message(user_message(thread.id, run_id="b"))

    assert await store.list_messages(thread.id, run_id="b", after=first.id) == []


async def test_list_messages_of_unknown_thread_is_not_found(store: AssistantsStore) -> None:
    with pytest.raises(NotFoundError):
        await store.list_messages("thread_missing")


# -- runs ------------------------------------------------------------------------------------


async def test_get_run_and_state_return_what_was_created(store: AssistantsStore) -> None:
    thread = await store.create_thread(Thread())
    run = await store.create_run(new_run(thread.id), {"turn": 1, "items": [{"a": None}]})

    assert await store.get_run(run.id) == run
    assert await store.get_run_state(run.id) == {"turn": 1, "items": [{"a": None}]}


async def test_create_run_on_unknown_thread_is_not_found(store: AssistantsStore) -> None:
    with pytest.raises(NotFoundError, match="thread_missing"):
        await store.create_run(new_run("thread_missing"), {})


async def test_create_run_refuses_an_existing_id(store: AssistantsStore) -> None:
    thread, run = await thread_with_run(store, "completed")

    with pytest.raises(UserError, match="already exists"):
        await store.create_run(run, {})


@pytest.mark.parametrize("status", sorted(ACTIVE_RUN_STATUSES))
async def test_create_run_refuses_a_second_active_run(store: AssistantsStore, status: str) -> None:
    thread, run = await thread_with_run(store, status)

    with pytest.raises(ActiveRunError, match=run.id):
        await store.create_run(new_run(thread.id), {})
    assert ids(await store.list_runs(thread.id)) == [run.id]


@pytest.mark.parametrize("status", sorted(TERMINAL_RUN_STATUSES))
async def test_create_run_after_a_finished_run_is_allowed(
    store: AssistantsStore, status: str
) -> None:
    thread, first = await thread_with_run(store, status)

    second = await store.create_run(new_run(thread.id), {})

    assert ids(await store.list_runs(thread.id)) == [second.id, first.id]


@pytest.mark.parametrize("status", sorted(TERMINAL_RUN_STATUSES))
async def test_a_run_saved_as_finished_frees_the_thread(
    store: AssistantsStore, status: str
) -> None:
    thread, first = await thread_with_run(store, "in_progress")
    first.status = status  # type: ignore[assignment]
    await store.save_run(first)

    second = await store.create_run(new_run(thread.id), {})

    assert ids(await store.active_runs()) == [second.id]


async def test_add_message_is_refused_while_a_run_is_active(store: AssistantsStore) -> None:
    thread, run = await thread_with_run(store, "requires_action")

    with pytest.raises(ActiveRunError, match=run.id):
        await store.add_message(user_message(thread.id))
    assert await store.list_messages(thread.id) == []


async def test_add_message_without_require_idle_is_allowed_during_a_run(
    store: AssistantsStore,
) -> None:
    thread, run = await thread_with_run(store, "in_progress")

    message = await store.add_message(user_message(thread.id), require_idle=False)

    assert ids(await store.list_messages(thread.id)) == [message.id]


async def test_save_run_replaces_the_run_and_keeps_the_state(store: AssistantsStore) -> None:
    thread, run = await thread_with_run(store)
    run.status = "in_progress"

    await store.save_run(run)

    assert (await store.get_run(run.id)).status == "in_progress"
    assert await store.get_run_state(run.id) == {"turn": 0}


async def test_save_run_with_state_replaces_the_state(store: AssistantsStore) -> None:
    thread, run = await thread_with_run(store)

    await store.save_run(run, {"turn": 2})

    assert await store.get_run_state(run.id) == {"turn": 2}


async def test_save_run_never_reopens_a_finished_run(store: AssistantsStore) -> None:
    thread, finished = await thread_with_run(store, "completed")
    active = await store.create_run(new_run(thread.id), {})
    finished.status = "in_progress"

    assert not await store.save_run(finished)
    assert (await store.get_run(finished.id)).status == "completed"
    assert ids(await store.active_runs()) == [active.id]


async def test_save_unknown_run_is_not_found(store: AssistantsStore) -> None:
    thread = await store.create_thread(Thread())

    with pytest.raises(NotFoundError):
        await store.save_run(new_run(thread.id))


async def test_transition_run_saves_when_the_status_is_expected(store: AssistantsStore) -> None:
    thread, run = await thread_with_run(store, "requires_action")
    run.status = "in_progress"

    assert await store.transition_run(run, expected={"requires_action"}, state={"turn": 1})
    assert (await store.get_run(run.id)).status == "in_progress"
    assert await store.get_run_state(run.id) == {"turn": 1}


async def test_transition_run_refuses_an_unexpected_status(store: AssistantsStore) -> None:
    thread, run = await thread_with_run(store, "requires_action")
    run.status = "in_progress"
    await store.transition_run(run, expected=["requires_action"])
    run.status = "cancelled"

    assert not await store.transition_run(run, expected=["requires_action"], state={"x": 1})
    assert (await store.get_run(run.id)).status == "in_progress"
    assert await store.get_run_state(run.id) == {"turn": 0}


async def test_transition_unknown_run_is_not_found(store: AssistantsStore) -> None:
    thread = await store.create_thread(Thread())

    with pytest.raises(NotFoundError):
        await store.transition_run(new_run(thread.id), expected={"queued"})


async def test_transition_run_saves_its_steps_with_it(store: AssistantsStore) -> None:
    thread, run = await thread_with_run(store, "requires_action")
    step = new_step(run)
    await store.save_step(step)
    run.status = "in_progress"
    done = step.model_copy(update={"status": "completed"})

    assert await store.transition_run(run, expected={"requires_action"}, steps=[done])
    assert (await store.get_step(step.id)).status == "completed"


async def test_a_refused_transition_saves_none_of_its_steps(store: AssistantsStore) -> None:
    thread, run = await thread_with_run(store, "cancelled")
    step = new_step(run)
    await store.save_step(step)
    run.status = "in_progress"
    done = step.model_copy(update={"status": "completed"})

    assert not await store.transition_run(run, expected={"requires_action"}, steps=[done])
    assert (await store.get_step(step.id)).status == "in_progress"


async def test_a_step_that_cannot_be_stored_leaves_the_run_unchanged(
    store: AssistantsStore,
) -> None:
    thread, run = await thread_with_run(store, "requires_action")
    resumed = run.model_copy(update={"status": "in_progress"})
    other_run = new_run(thread.id)  # never stored: its step has nowhere to go

    with pytest.raises(NotFoundError):
        await store.transition_run(
            resumed, expected={"requires_action"}, steps=[new_step(other_run)]
        )
    assert (await store.get_run(run.id)).status == "requires_action"


async def test_create_run_adds_its_messages_with_it(store: AssistantsStore) -> None:
    thread = await store.create_thread(Thread())
    first, second = user_message(thread.id, "a"), user_message(thread.id, "b")

    run = await store.create_run(new_run(thread.id), {}, [first, second])

    assert ids(await store.list_messages(thread.id)) == [first.id, second.id]
    assert (await store.get_run(run.id)).status == "queued"


async def test_a_refused_run_adds_none_of_its_messages(store: AssistantsStore) -> None:
    thread, _ = await thread_with_run(store, "in_progress")

    with pytest.raises(ActiveRunError):
        await store.create_run(new_run(thread.id), {}, [user_message(thread.id, "lost?")])
    assert await store.list_messages(thread.id) == []


async def test_create_run_refuses_messages_of_another_thread(store: AssistantsStore) -> None:
    thread = await store.create_thread(Thread())
    other = await store.create_thread(Thread())

    with pytest.raises(UserError, match="not on the run's thread"):
        await store.create_run(new_run(thread.id), {}, [user_message(other.id)])
    assert await store.list_runs(thread.id) == []
    assert await store.list_messages(other.id) == []


async def test_list_runs_of_unknown_thread_is_not_found(store: AssistantsStore) -> None:
    with pytest.raises(NotFoundError):
        await store.list_runs("thread_missing")


async def test_active_runs_lists_only_unfinished_runs_oldest_first(store: AssistantsStore) -> None:
    _, first = await thread_with_run(store, "requires_action")
    await thread_with_run(store, "completed")
    _, third = await thread_with_run(store, "queued")

    assert ids(await store.active_runs()) == [first.id, third.id]


# -- steps -----------------------------------------------------------------------------------


async def test_get_step_returns_what_was_saved(store: AssistantsStore) -> None:
    _, run = await thread_with_run(store)
    step = new_step(run)

    await store.save_step(step)

    assert await store.get_step(step.id) == step


async def test_save_step_again_replaces_it_in_place(store: AssistantsStore) -> None:
    _, run = await thread_with_run(store)
    first, second = new_step(run), new_step(run)
    await store.save_step(first)
    await store.save_step(second)
    first.status = "completed"

    await store.save_step(first)

    steps = await store.list_steps(run.id)
    assert ids(steps) == [first.id, second.id]
    assert steps[0].status == "completed"


async def test_save_step_of_unknown_run_is_not_found(store: AssistantsStore) -> None:
    _, run = await thread_with_run(store)
    step = new_step(run)
    step.run_id = "run_missing"

    with pytest.raises(NotFoundError, match="run_missing"):
        await store.save_step(step)


async def test_save_step_refuses_an_id_used_by_another_run(store: AssistantsStore) -> None:
    _, run = await thread_with_run(store)
    _, other_run = await thread_with_run(store)
    step = new_step(run)
    await store.save_step(step)

    with pytest.raises(NotFoundError, match=step.id):
        await store.save_step(step.model_copy(update={"run_id": other_run.id}))
    assert (await store.get_step(step.id)).run_id == run.id


async def test_get_unknown_step_is_not_found(store: AssistantsStore) -> None:
    with pytest.raises(NotFoundError):
        await store.get_step("step_missing")


async def test_list_steps_of_unknown_run_is_not_found(store: AssistantsStore) -> None:
    with pytest.raises(NotFoundError):
        await store.list_steps("run_missing")


async def test_get_assistant_returns_what_was_saved(store: AssistantsStore) -> None:
    record = {"id": "asst_1", "created_at": 1, "tools": [{"type": "function"}]}

    await store.save_assistant(record)

    assert await store.get_assistant("asst_1") == record


async def test_save_assistant_again_replaces_it_in_place(store: AssistantsStore) -> None:
    await store.save_assistant({"id": "asst_1", "created_at": 1, "name": "old"})
    await store.save_assistant({"id": "asst_2", "created_at": 2})

    await store.save_assistant({"id": "asst_1", "created_at": 1, "name": "new"})

    listed = await store.list_assistants(order="asc")
    assert listed == [
        {"id": "asst_1", "created_at": 1, "name": "new"},
        {"id": "asst_2", "created_at": 2},
    ]


async def test_delete_assistant_removes_it(store: AssistantsStore) -> None:
    await store.save_assistant({"id": "asst_1", "created_at": 1})

    await store.delete_assistant("asst_1")

    assert await store.list_assistants() == []


@pytest.mark.parametrize("method", ["get_assistant", "delete_assistant"])
async def test_unknown_assistant_is_not_found(store: AssistantsStore, method: str) -> None:
    with pytest.raises(NotFoundError, match="asst_missing"):
        await getattr(store, method)("asst_missing")
