"""`VectorStores` over a `PostgresStore`: the records in the database, the indexes in a folder.

Each `VectorStores` here stands for a process of its own (its own store, pool and ingestion
queue) on one machine, sharing the database, the files' folder and the indexes' folder.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from agentkit.exceptions import UserError
from agentkit.file_search import IndexMissingError, VectorStores, stdlib_driver
from agentkit.files import Files
from agentkit.stores import PostgresStore

REFUNDS = b"# Refunds\n\nItems can be returned within 30 days for a full refund of the price."


async def test_vector_stores_over_postgres_need_a_folder_for_their_indexes(
    clean_postgres_url: str, tmp_path: Path
) -> None:
    async with PostgresStore(clean_postgres_url, max_connections=2) as store:
        files = Files(store, tmp_path / "files")
        with pytest.raises(UserError, match="PostgresStore needs directory="):
            VectorStores(files)
        await files.aclose()


async def test_a_vector_store_made_by_one_process_is_searched_by_another(
    clean_postgres_url: str, tmp_path: Path
) -> None:
    def vector_stores(files: Files) -> VectorStores:
        return VectorStores(files, directory=tmp_path / "indexes", driver=stdlib_driver())

    async with (
        PostgresStore(clean_postgres_url, max_connections=2) as first_store,
        PostgresStore(clean_postgres_url, max_connections=2) as second_store,
    ):
        first_files = Files(first_store, tmp_path / "files")
        second_files = Files(second_store, tmp_path / "files")
        first, second = vector_stores(first_files), vector_stores(second_files)
        try:
            refunds = await first_files.add(REFUNDS, filename="refunds.md")
            made = await first.create(name="handbook", file_ids=[refunds.id])
            await first.wait(made.id)

            seen = await second.get(made.id)
            assert (seen.name, seen.status, seen.file_counts.completed) == (
                "handbook",
                "completed",
                1,
            )
            assert seen.usage_bytes == len(REFUNDS)
            (hit,) = await second.search(made.id, "how many days to return an item")
            assert (hit.file_id, hit.filename) == (refunds.id, "refunds.md")
            assert "30 days" in hit.text

            await second.delete(made.id)
            assert [vs.id for vs in await first.list()] == []
        finally:
            for stores, files in ((first, first_files), (second, second_files)):
                await stores.aclose()
                await files.aclose()


async def test_a_process_without_the_index_says_so_instead_of_finding_nothing(
    clean_postgres_url: str, tmp_path: Path
) -> None:
    async with (
        PostgresStore(clean_postgres_url, max_connections=2) as here_store,
        PostgresStore(clean_postgres_url, max_connections=2) as there_store,
    ):
        here_files = Files(here_store, tmp_path / "files")
        there_files = Files(there_store, tmp_path / "files")
        # Two machines: the same database, each its own index folder.
        here = VectorStores(here_files, directory=tmp_path / "here", driver=stdlib_driver())
        there = VectorStores(there_files, directory=tmp_path / "there", driver=stdlib_driver())
        try:
            refunds = await here_files.add(REFUNDS, filename="refunds.md")
            made = await here.create(name="handbook", file_ids=[refunds.id])
            empty = await here.create(name="empty")
            await here.wait(made.id)

            with pytest.raises(IndexMissingError) as caught:
                await there.search(made.id, "refund")
            assert f"{made.id} has 1 ingested file(s)" in str(caught.value)
            assert str(tmp_path / "there") in str(caught.value)
            assert await there.search(empty.id, "refund") == []  # nothing ingested: nothing lost
            assert not list((tmp_path / "there").glob("*.sqlite3"))  # no empty index made
            assert len(await here.search(made.id, "refund")) == 1
        finally:
            for stores, files in ((here, here_files), (there, there_files)):
                await stores.aclose()
                await files.aclose()
