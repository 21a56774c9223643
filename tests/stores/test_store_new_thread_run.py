"""`Store.create_thread_and_run` on every store, and `create_run`'s refusals as SQL states them.

The SQLite and Postgres stores write the thread, the run and its messages in one transaction;
the tests at the end check, through another store on the same data, that a refusal leaves none.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from agentkit.exceptions import ActiveRunError, NotFoundError, UserError
from agentkit.records import TERMINAL_RUN_STATUSES, Thread
from agentkit.stores import AssistantsStore, PostgresStore, SQLiteStore

from .conftest import ids, lease, new_run, thread_with_run, user_message


async def test_create_thread_and_run_stores_all_three(store: AssistantsStore) -> None:
    thread = Thread(metadata={"k": "v"})
    first, second = user_message(thread.id, "a"), user_message(thread.id, "b")
    held = lease()

    run = await store.create_thread_and_run(
        thread, new_run(thread.id, "in_progress"), {"turn": 2}, [first, second], lease=held
    )

    assert await store.get_thread(thread.id) == thread
    assert await store.get_run(run.id) == run
    assert await store.get_run_state(run.id) == {"turn": 2}
    assert ids(await store.list_messages(thread.id)) == [first.id, second.id]
    assert await store.driven_runs() == [(run, held)]


async def test_the_new_run_holds_its_thread(store: AssistantsStore) -> None:
    thread = Thread()
    run = await store.create_thread_and_run(thread, new_run(thread.id), {})

    with pytest.raises(ActiveRunError, match=run.id):
        await store.create_run(new_run(thread.id), {})


async def test_create_thread_and_run_refuses_a_run_of_another_thread(
    store: AssistantsStore,
) -> None:
    thread = Thread()

    with pytest.raises(UserError, match="not on"):
        await store.create_thread_and_run(thread, new_run("thread_other"), {})
    with pytest.raises(NotFoundError):
        await store.get_thread(thread.id)


async def test_create_thread_and_run_refuses_messages_of_another_thread(
    store: AssistantsStore,
) -> None:
    thread = Thread()

    with pytest.raises(UserError, match="not on the run's thread"):
        await store.create_thread_and_run(
            thread, new_run(thread.id), {}, [user_message("thread_other")]
        )
    with pytest.raises(NotFoundError):
        await store.get_thread(thread.id)


async def test_create_thread_and_run_refuses_an_existing_thread_id(
    store: AssistantsStore,
) -> None:
    thread, run = await thread_with_run(store, "completed")

    with pytest.raises(UserError, match="already exists"):
        await store.create_thread_and_run(thread, new_run(thread.id), {})
    assert ids(await store.list_runs(thread.id)) == [run.id]


@pytest.mark.parametrize("status", sorted(TERMINAL_RUN_STATUSES))
async def test_create_run_refuses_even_a_finished_run_beside_an_active_one(
    store: AssistantsStore, status: str
) -> None:
    thread, active = await thread_with_run(store, "in_progress")

    with pytest.raises(ActiveRunError, match=active.id):
        await store.create_run(new_run(thread.id, status), {})
    assert ids(await store.list_runs(thread.id)) == [active.id]


async def test_create_run_on_another_projects_thread_is_not_found(
    store: AssistantsStore,
) -> None:
    thread = await store.create_thread(Thread())

    with pytest.raises(NotFoundError, match=thread.id):
        await store.scoped("other").create_run(new_run(thread.id), {})
    assert await store.list_runs(thread.id) == []


# -- SQLite: one transaction, on a real file ---------------------------------------------------


async def _nothing_of(path: Path, thread: Thread, run_id: str) -> None:
    """Another store on the same file sees neither the thread nor the run."""
    async with SQLiteStore(path) as other:
        with pytest.raises(NotFoundError):
            await other.get_thread(thread.id)
        with pytest.raises(NotFoundError):
            await other.get_run(run_id)


async def test_sqlite_a_message_that_cannot_be_stored_leaves_no_thread_or_run(
    db_path: Path,
) -> None:
    async with SQLiteStore(db_path) as store:
        taken, _ = await thread_with_run(store, "completed")
        existing = await store.add_message(user_message(taken.id, "first"))
        thread = Thread()
        run = new_run(thread.id)
        clash = existing.model_copy(update={"thread_id": thread.id})
        fresh = user_message(thread.id, "fresh")

        # The run and the first message are written before the clash fails the transaction.
        with pytest.raises(UserError, match=f"message with id {existing.id!r} already exists"):
            await store.create_thread_and_run(thread, run, {}, [fresh, clash])

        await _nothing_of(db_path, thread, run.id)
        with pytest.raises(NotFoundError):
            await store.get_message(fresh.id)
        assert ids(await store.list_messages(taken.id)) == [existing.id]


async def test_sqlite_an_existing_run_id_leaves_no_thread(db_path: Path) -> None:
    async with SQLiteStore(db_path) as store:
        _, taken = await thread_with_run(store, "completed")
        thread = Thread()
        run = taken.model_copy(update={"thread_id": thread.id})

        with pytest.raises(UserError, match=f"run with id {taken.id!r} already exists"):
            await store.create_thread_and_run(thread, run, {}, [user_message(thread.id)])

        await _nothing_of(db_path, thread, "run_none")
        assert (await store.get_run(taken.id)).thread_id == taken.thread_id


async def test_sqlite_create_thread_and_run_is_one_commit(db_path: Path) -> None:
    async with SQLiteStore(db_path) as store:
        thread = Thread()
        held = lease()
        run = await store.create_thread_and_run(
            thread, new_run(thread.id), {"turn": 0}, [user_message(thread.id)], lease=held
        )

    # A store opened afterwards sees all of it, lease included.
    async with SQLiteStore(db_path) as reopened:
        assert await reopened.get_thread(thread.id) == thread
        assert await reopened.driven_runs() == [(run, held)]
        assert len(await reopened.list_messages(thread.id)) == 1


# -- Postgres: one transaction too -------------------------------------------------------------


async def test_postgres_an_existing_run_id_leaves_no_thread_or_message(
    clean_postgres_url: str,
) -> None:
    async with PostgresStore(clean_postgres_url, max_connections=2) as store:
        _, taken = await thread_with_run(store, "completed")
        thread = Thread()
        run = taken.model_copy(update={"thread_id": thread.id})
        message = user_message(thread.id)

        with pytest.raises(UserError, match=f"run with id {taken.id!r} already exists"):
            await store.create_thread_and_run(thread, run, {}, [message])

    async with PostgresStore(clean_postgres_url, max_connections=2) as other:
        with pytest.raises(NotFoundError):
            await other.get_thread(thread.id)
        with pytest.raises(NotFoundError):
            await other.get_message(message.id)
