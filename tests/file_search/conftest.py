"""Fixtures for file search: an index per test, on each SQLite driver this machine has."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from agentkit.file_search import (
    EmbeddingsClient,
    SqliteDriver,
    SqliteIndex,
    default_driver,
    stdlib_driver,
)
from agentkit.testing import FakeOpenAI

# The standard sqlite3 scans vectors in NumPy; the default driver uses sqlite-vec where it
# loads (pysqlite3 here). Index tests run on both, so both paths stay correct.
DRIVERS = {"numpy-scan": stdlib_driver()}
if default_driver().vec_extension is not None:
    DRIVERS["sqlite-vec"] = default_driver()


@pytest.fixture(params=sorted(DRIVERS))
def driver(request: pytest.FixtureRequest) -> SqliteDriver:
    return DRIVERS[request.param]


@pytest.fixture
async def index(tmp_path: Path, driver: SqliteDriver) -> AsyncIterator[SqliteIndex]:
    opened = await SqliteIndex.open(tmp_path / "vs_test.sqlite3", driver=driver)
    yield opened
    await opened.close()


@pytest.fixture
def fake() -> FakeOpenAI:
    return FakeOpenAI()


@pytest.fixture
def embeddings(fake: FakeOpenAI) -> EmbeddingsClient:
    return EmbeddingsClient("fake-embedding", client=fake.client())
