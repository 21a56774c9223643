"""What only the SQLite store does: the file, its schema version, locks, threads and descriptors."""

from __future__ import annotations

import asyncio
import gc
import os
import sqlite3
import threading
from pathlib import Path

import pytest

from agentkit.exceptions import StoreError, UserError
from agentkit.records import Thread
from agentkit.stores import SQLiteStore
from agentkit.stores.sqlite_schema import MIGRATIONS, SCHEMA_VERSION

from .conftest import new_run, new_step, thread_with_run

# -- the file --------------------------------------------------------------------------------


async def test_file_is_in_wal_mode_with_the_current_schema_version(db_path: Path) -> None:
    async with SQLiteStore(db_path):
        pass

    conn = sqlite3.connect(db_path)
    tables = conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall()
    assert conn.execute("PRAGMA journal_mode").fetchone() == ("wal",)
    assert conn.execute("PRAGMA user_version").fetchone() == (SCHEMA_VERSION,)
    assert sorted(name for (name,) in tables) == [
        "assistants",
        "files",
        "messages",
        "runs",
        "steps",
        "threads",
        "tool_calls",
        "vector_store_file_batches",
        "vector_store_files",
        "vector_stores",
    ]
    conn.close()


async def test_a_paused_run_survives_closing_the_store(db_path: Path) -> None:
    async with SQLiteStore(db_path) as first:
        thread, run = await thread_with_run(first, "requires_action")
        await first.save_run(run, {"pending": ["call_1"]})

    async with SQLiteStore(db_path) as second:
        assert await second.get_run(run.id) == run
        assert await second.get_run_state(run.id) == {"pending": ["call_1"]}
        assert [r.id for r in await second.active_runs()] == [run.id]


async def test_a_newer_schema_version_is_refused_naming_both(db_path: Path) -> None:
    conn = sqlite3.connect(db_path)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.close()

    with pytest.raises(StoreError, match=f"version {SCHEMA_VERSION + 1}.*up to {SCHEMA_VERSION}"):
        await SQLiteStore(db_path).open()


async def test_a_file_that_is_not_sqlite_is_refused(db_path: Path) -> None:
    await asyncio.to_thread(db_path.write_text, "name,age\nada,36\n" * 100)

    with pytest.raises(StoreError, match="is not a SQLite database"):
        await SQLiteStore(db_path).open()


async def test_another_applications_database_is_refused(db_path: Path) -> None:
    conn = sqlite3.connect(db_path)
    conn.execute("CREATE TABLE invoices (id INTEGER)")
    conn.close()

    with pytest.raises(StoreError, match="not an agentkit store"):
        await SQLiteStore(db_path).open()


async def test_an_unopenable_path_is_a_store_error(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="Can't open"):
        await SQLiteStore(tmp_path / "missing-dir" / "a.db").open()


@pytest.mark.parametrize("path", [":memory:", ""])
def test_an_in_memory_path_is_refused(path: str) -> None:
    with pytest.raises(UserError, match="MemoryStore"):
        SQLiteStore(path)


# -- lifecycle -------------------------------------------------------------------------------


def test_constructing_needs_no_event_loop_and_opens_nothing(db_path: Path) -> None:
    threads_before = set(threading.enumerate())

    SQLiteStore(db_path)

    assert not db_path.exists()
    assert set(threading.enumerate()) - threads_before == set()  # threads may end meanwhile


async def test_concurrent_first_calls_open_the_file_once(db_path: Path) -> None:
    async with SQLiteStore(db_path) as store:
        threads = await asyncio.gather(*(store.create_thread(Thread()) for _ in range(20)))

        listed = await store.list_threads(limit=100, order="asc")
        assert sorted(t.id for t in listed) == sorted(t.id for t in threads)
        assert [t.name for t in threading.enumerate()].count(f"agentkit-sqlite:{db_path}") == 1


async def test_aclose_leaves_no_thread_or_file_descriptor(db_path: Path) -> None:
    threads_before = set(threading.enumerate())
    fds_before = set(os.listdir("/proc/self/fd"))
    store = SQLiteStore(db_path)
    await thread_with_run(store)

    await store.aclose()

    assert set(threading.enumerate()) - threads_before == set()  # threads may end meanwhile
    assert set(os.listdir("/proc/self/fd")) - fds_before == set()


async def test_a_closed_store_raises_store_error(db_path: Path) -> None:
    store = SQLiteStore(db_path)
    await store.open()
    await store.aclose()

    with pytest.raises(StoreError, match="closed"):
        await store.list_threads()


async def test_closing_a_scoped_view_leaves_the_store_open(db_path: Path) -> None:
    async with SQLiteStore(db_path) as store:
        async with store.scoped("a") as view:
            thread = await view.create_thread(Thread())

        assert await store.scoped("a").get_thread(thread.id) == thread


async def test_closing_the_store_closes_its_views(db_path: Path) -> None:
    store = SQLiteStore(db_path)
    view = store.scoped("a")
    await store.open()

    await store.aclose()

    with pytest.raises(StoreError, match="closed"):
        await view.list_threads()


async def test_a_dropped_store_stops_its_thread(db_path: Path) -> None:
    store = SQLiteStore(db_path)
    await store.open()
    worker = next(t for t in threading.enumerate() if t.name == f"agentkit-sqlite:{db_path}")

    del store
    gc.collect()

    worker.join(timeout=10)
    assert not worker.is_alive()


def test_a_store_works_across_event_loops(db_path: Path) -> None:
    store = SQLiteStore(db_path)
    thread = asyncio.run(store.create_thread(Thread()))

    assert asyncio.run(store.get_thread(thread.id)) == thread
    asyncio.run(store.aclose())


# -- locks -----------------------------------------------------------------------------------


async def test_a_write_waits_for_another_writer_without_blocking_the_loop(db_path: Path) -> None:
    async with SQLiteStore(db_path) as store:
        other = sqlite3.connect(db_path, isolation_level=None)
        other.execute("BEGIN IMMEDIATE")
        asyncio.get_running_loop().call_later(0.2, other.execute, "COMMIT")
        ticks = 0

        write = asyncio.create_task(store.create_thread(Thread()))
        while not write.done():
            ticks += 1
            await asyncio.sleep(0.01)
        thread = await write

        assert ticks > 1
        assert await store.get_thread(thread.id) == thread
        other.close()


async def test_a_write_gives_up_after_the_busy_timeout(db_path: Path) -> None:
    async with SQLiteStore(db_path, busy_timeout=0.05) as store:
        other = sqlite3.connect(db_path, isolation_level=None)
        other.execute("BEGIN IMMEDIATE")

        with pytest.raises(StoreError, match="locked"):
            await store.create_thread(Thread())
        other.execute("ROLLBACK")
        other.close()
        assert await store.list_threads() == []


async def test_the_wal_is_checkpointed_under_sustained_writes(db_path: Path) -> None:
    async with SQLiteStore(db_path) as store:
        _, run = await thread_with_run(store)
        for _ in range(3000):
            await store.save_step(new_step(run))

        # Without checkpoints these writes leave a WAL of about 45 MB.
        assert await asyncio.to_thread(os.path.getsize, f"{db_path}-wal") < 20_000_000


async def test_a_version_1_file_opens_and_its_runs_in_flight_become_orphans(
    db_path: Path,
) -> None:
    conn = sqlite3.connect(db_path)
    for statement in MIGRATIONS[0]:
        conn.execute(statement)
    thread, run = Thread(), new_run("", "in_progress")
    run.thread_id = thread.id
    conn.execute(
        "INSERT INTO threads (id, project, data) VALUES (?, '', ?)",
        (thread.id, thread.model_dump_json()),
    )
    conn.execute(
        "INSERT INTO runs (id, project, thread_id, status, active_thread, data, state)"
        " VALUES (?, '', ?, 'in_progress', ?, ?, '{}')",
        (run.id, thread.id, thread.id, run.model_dump_json()),
    )
    conn.execute("PRAGMA user_version = 1")
    conn.commit()
    conn.close()

    async with SQLiteStore(db_path) as store:
        assert await store.driven_runs() == [(run, None)]
        assert await store.call_records(run.id, "step_1") == []

    conn = sqlite3.connect(db_path)
    assert conn.execute("PRAGMA user_version").fetchone() == (SCHEMA_VERSION,)
    conn.close()
