"""Pytest fixtures over one private PostgreSQL cluster per test session (see `cluster`)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import psycopg
import pytest

from tests.postgres.cluster import PostgresCluster, unavailable_reason

__all__ = ["_postgres_cleaner", "clean_postgres_url", "postgres_cluster", "postgres_store_url"]


@pytest.fixture(scope="session")
def postgres_cluster() -> Iterator[PostgresCluster]:
    """The session's PostgreSQL server (started on first use, about a second; gone after)."""
    if (reason := unavailable_reason()) is not None:
        pytest.skip(reason)
    cluster = PostgresCluster()
    cluster.start()
    try:
        yield cluster
    finally:
        cluster.stop()


@pytest.fixture(scope="session")
def postgres_store_url(postgres_cluster: PostgresCluster) -> Iterator[str]:
    """One database for the store tests, which empty it before each test."""
    yield postgres_cluster.new_database("agentkit_stores")


@pytest.fixture(scope="session")
def _postgres_cleaner(postgres_store_url: str) -> Iterator[psycopg.Connection[tuple[Any, ...]]]:
    with psycopg.connect(postgres_store_url, autocommit=True) as conn:
        yield conn


@pytest.fixture
def clean_postgres_url(
    postgres_store_url: str, _postgres_cleaner: psycopg.Connection[tuple[Any, ...]]
) -> str:
    """`postgres_store_url` with agentkit's tables emptied (if they exist yet)."""
    exists = _postgres_cleaner.execute("SELECT to_regclass('agentkit.threads')").fetchone()
    if exists is not None and exists[0] is not None:
        # DELETE, not TRUNCATE: on tables this small it is several times faster. The
        # foreign keys cascade to messages, runs, steps and tool calls.
        _postgres_cleaner.execute("DELETE FROM agentkit.threads")
        _postgres_cleaner.execute("DELETE FROM agentkit.assistants")
        _postgres_cleaner.execute("DELETE FROM agentkit.files")
        # Cascades to the vector stores' files and batches.
        _postgres_cleaner.execute("DELETE FROM agentkit.vector_stores")
    return postgres_store_url
