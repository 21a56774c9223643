"""A store file written before vector stores existed is upgraded in place, its data kept."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from agentkit.records import Thread
from agentkit.stores import SQLiteStore
from agentkit.stores.sqlite_schema import SCHEMA_VERSION
from agentkit.stores.vector_stores import VectorStore, VectorStoreFile


async def test_a_file_without_vector_store_tables_gets_them_and_keeps_its_threads(
    db_path: Path,
) -> None:
    async with SQLiteStore(db_path) as store:
        thread = await store.create_thread(Thread())
    conn = sqlite3.connect(db_path)
    for table in ("vector_store_file_batches", "vector_store_files", "vector_stores"):
        conn.execute(f"DROP TABLE {table}")
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION - 1}")
    conn.close()

    async with SQLiteStore(db_path) as store:
        assert await store.get_thread(thread.id) == thread
        made = VectorStore(name="docs")
        await store.save_vector_store(made)
        await store.put_vector_store_file(VectorStoreFile(id="file-a", vector_store_id=made.id))
        assert [f.id for f in await store.list_vector_store_files(made.id)] == ["file-a"]
    conn = sqlite3.connect(db_path)
    assert conn.execute("PRAGMA user_version").fetchone() == (SCHEMA_VERSION,)
    conn.close()
