"""The compare-and-set rules of the store contract: a terminal status is never overwritten,
and the steps and messages given with a transition are saved with it or not at all."""

from __future__ import annotations

import pytest

from agentkit.exceptions import UserError
from agentkit.records import TERMINAL_RUN_STATUSES, Message, Thread
from agentkit.stores import AssistantsStore

from .conftest import ids, leased_run, new_step, thread_with_run

ENDINGS = sorted(TERMINAL_RUN_STATUSES)


def assistant_message(thread_id: str, run_id: str) -> Message:
    message = Message.of_text(thread_id, "assistant", "done")
    message.run_id = run_id
    return message


@pytest.mark.parametrize("ending", ENDINGS)
async def test_save_run_never_overwrites_a_terminal_status(
    store: AssistantsStore, ending: str
) -> None:
    thread, run = await thread_with_run(store, ending)
    later = run.model_copy(update={"status": "completed" if ending != "completed" else "failed"})

    assert not await store.save_run(later, {"turn": 9})

    assert (await store.get_run(run.id)).status == ending
    assert await store.get_run_state(run.id) == {"turn": 0}


async def test_save_run_may_save_the_same_terminal_status_again(store: AssistantsStore) -> None:
    thread, run = await thread_with_run(store, "cancelled")
    edited = run.model_copy(update={"metadata": {"note": "seen"}})

    assert await store.save_run(edited)

    assert (await store.get_run(run.id)).metadata == {"note": "seen"}


@pytest.mark.parametrize("ending", ENDINGS)
async def test_transition_run_never_overwrites_a_terminal_status_even_when_expected(
    store: AssistantsStore, ending: str
) -> None:
    thread, run = await thread_with_run(store, ending)
    other = "completed" if ending != "completed" else "cancelled"

    assert not await store.transition_run(
        run.model_copy(update={"status": other}), expected=TERMINAL_RUN_STATUSES
    )
    assert (await store.get_run(run.id)).status == ending


async def test_a_cancel_wins_over_the_drivers_later_save(store: AssistantsStore) -> None:
    thread, run, held = await leased_run(store)
    cancelled = run.model_copy(update={"status": "cancelled"})
    assert await store.transition_run(cancelled, expected={"in_progress"})

    completed = run.model_copy(update={"status": "completed"})
    assert not await store.transition_run(completed, expected={"in_progress", "queued"}, lease=held)
    assert not await store.save_run(completed)
    assert (await store.get_run(run.id)).status == "cancelled"


async def test_transition_run_adds_its_messages_with_it(store: AssistantsStore) -> None:
    thread, run = await thread_with_run(store, "in_progress")
    message = assistant_message(thread.id, run.id)
    step = new_step(run)

    assert await store.transition_run(
        run.model_copy(update={"status": "completed"}),
        expected={"in_progress"},
        steps=[step],
        messages=[message],
    )

    assert await store.list_messages(thread.id) == [message]
    assert ids(await store.list_steps(run.id)) == [step.id]


async def test_a_refused_transition_adds_none_of_its_messages(store: AssistantsStore) -> None:
    thread, run = await thread_with_run(store, "cancelled")

    assert not await store.transition_run(
        run.model_copy(update={"status": "completed"}),
        expected={"in_progress"},
        messages=[assistant_message(thread.id, run.id)],
    )
    assert await store.list_messages(thread.id) == []


async def test_a_message_that_exists_refuses_the_whole_transition(
    store: AssistantsStore,
) -> None:
    thread, run = await thread_with_run(store, "in_progress")
    message = await store.add_message(assistant_message(thread.id, run.id), require_idle=False)
    step = new_step(run)

    with pytest.raises(UserError, match="already exists"):
        await store.transition_run(
            run.model_copy(update={"status": "completed"}),
            expected={"in_progress"},
            steps=[step],
            messages=[message],
        )
    assert (await store.get_run(run.id)).status == "in_progress"
    assert await store.list_steps(run.id) == []


async def test_a_message_on_another_thread_is_refused(store: AssistantsStore) -> None:
    thread, run = await thread_with_run(store, "in_progress")
    elsewhere = await store.create_thread(Thread())

    with pytest.raises(UserError, match="not on the run's thread"):
        await store.transition_run(
            run, expected={"in_progress"}, messages=[assistant_message(elsewhere.id, run.id)]
        )
    assert await store.list_messages(elsewhere.id) == []


async def test_a_transition_expecting_no_status_changes_nothing(store: AssistantsStore) -> None:
    thread, run = await thread_with_run(store, "queued")

    moved = run.model_copy(update={"status": "in_progress"})

    assert await store.transition_run(moved, expected=()) is False
    assert (await store.get_run(run.id)).status == "queued"


@pytest.mark.parametrize("stored", ["queued", "in_progress", "cancelling"])
async def test_a_transition_expecting_three_statuses_matches_each(
    store: AssistantsStore, stored: str
) -> None:
    thread, run = await thread_with_run(store, stored)
    expected = ("queued", "in_progress", "cancelling")

    moved = run.model_copy(update={"status": "cancelled"})

    assert await store.transition_run(moved, expected=expected) is True
    assert (await store.get_run(run.id)).status == "cancelled"
