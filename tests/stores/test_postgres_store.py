"""What is particular to the Postgres store: its URL, its errors, its schema, and races between
connections (each store has its own pool, as each process would)."""

from __future__ import annotations

import asyncio

import psycopg
import pytest

from agentkit.exceptions import ActiveRunError, StoreError, UserError
from agentkit.records import Thread
from agentkit.stores import PostgresStore
from agentkit.stores.postgres_schema import MIGRATIONS, SCHEMA_VERSION
from agentkit.stores.vector_stores import VectorStore
from tests.postgres.cluster import PostgresCluster

from .conftest import lease, new_run, thread_with_run


def test_a_url_that_is_not_postgres_is_refused() -> None:
    with pytest.raises(UserError, match="postgresql:// URL"):
        PostgresStore("sqlite:///agentkit.db")


async def test_an_unreachable_database_is_a_store_error_without_the_password() -> None:
    store = PostgresStore("postgresql://ada:s3cret-pw@127.0.0.1:9/agentkit", connect_timeout=1)

    with pytest.raises(StoreError, match="'agentkit' on 127.0.0.1:9") as caught:
        await store.open()
    assert "s3cret-pw" not in str(caught.value)


async def test_a_newer_schema_is_refused(postgres_cluster: PostgresCluster) -> None:
    url = postgres_cluster.new_database()
    async with PostgresStore(url):
        pass
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("UPDATE agentkit.meta SET version = %s", (SCHEMA_VERSION + 1,))

    with pytest.raises(StoreError, match=f"schema version {SCHEMA_VERSION + 1}"):
        await PostgresStore(url).open()


async def test_a_database_of_the_first_schema_version_is_upgraded_keeping_its_data(
    postgres_cluster: PostgresCluster,
) -> None:
    url = postgres_cluster.new_database()
    thread = Thread()
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("CREATE SCHEMA agentkit")
        conn.execute("CREATE TABLE agentkit.meta (version integer NOT NULL)")
        conn.execute("INSERT INTO agentkit.meta (version) VALUES (1)")
        for statement in MIGRATIONS[0]:
            conn.execute(statement)
        conn.execute(
            "INSERT INTO agentkit.threads (id, project, data) VALUES (%s, '', %s)",
            (thread.id, thread.model_dump_json()),
        )

    async with PostgresStore(url) as store:
        assert await store.get_thread(thread.id) == thread
        made = VectorStore(name="docs")
        await store.save_vector_store(made)  # a table the upgrade added
        assert await store.get_vector_store(made.id) == made
    with psycopg.connect(url) as conn:
        assert conn.execute("SELECT version FROM agentkit.meta").fetchall() == [(SCHEMA_VERSION,)]


async def test_stores_starting_together_create_the_tables_once(
    postgres_cluster: PostgresCluster,
) -> None:
    url = postgres_cluster.new_database()
    stores = [PostgresStore(url) for _ in range(4)]

    await asyncio.gather(*(store.open() for store in stores))

    thread = await stores[0].create_thread(Thread())
    assert [await s.get_thread(thread.id) for s in stores] == [thread] * 4
    for store in stores:
        await store.aclose()


async def test_racing_connections_create_one_active_run(clean_postgres_url: str) -> None:
    stores = [PostgresStore(clean_postgres_url, max_connections=2) for _ in range(6)]
    thread = await stores[0].create_thread(Thread())

    async def try_create(store: PostgresStore) -> bool:
        try:
            await store.create_run(new_run(thread.id), {})
        except ActiveRunError:
            return False
        return True

    wins = await asyncio.gather(*(try_create(s) for s in stores))

    assert sorted(wins) == [False] * 5 + [True]
    assert len(await stores[0].active_runs()) == 1
    for store in stores:
        await store.aclose()


async def test_racing_resumes_and_claims_have_one_winner(clean_postgres_url: str) -> None:
    stores = [PostgresStore(clean_postgres_url, max_connections=2) for _ in range(6)]
    _, paused = await thread_with_run(stores[0], "requires_action")
    _, orphan = await thread_with_run(stores[0], "in_progress")
    resumed = paused.model_copy(update={"status": "in_progress"})

    resumes = await asyncio.gather(
        *(s.transition_run(resumed, expected={"requires_action"}) for s in stores)
    )
    claims = await asyncio.gather(
        *(s.claim_run(orphan.id, lease(f"w{i}"), current=None) for i, s in enumerate(stores))
    )

    assert sorted(resumes) == [False] * 5 + [True]
    assert sorted(claims) == [False] * 5 + [True]
    for store in stores:
        await store.aclose()
