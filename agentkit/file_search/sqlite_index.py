"""`SqliteIndex`: a vector store's chunks in one SQLite file, FTS5 for words, blobs for vectors.

Lexical search is FTS5 with BM25 (`agentkit.file_search.sqlite_lexical`). Vector search
compares normalised float32 blobs, kept in their own table, by cosine similarity: with
sqlite-vec inside the query where the driver loads it, by a streaming NumPy scan otherwise.
The score is the similarity, clamped to [0, 1].
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from agentkit.file_search.attributes import (
    AttributeValue,
    compile_filter,
    kind_of,
    stored_value,
    validate_attributes,
)
from agentkit.file_search.errors import FileDeletedError, IngestError
from agentkit.file_search.index import (
    Chunk,
    FileStats,
    IndexedFile,
    Scored,
    SearchHit,
    VectorSpace,
)
from agentkit.file_search.sqlite_connections import IndexConnections, transaction
from agentkit.file_search.sqlite_driver import SqliteDriver, default_driver
from agentkit.file_search.sqlite_lexical import lexical_search
from agentkit.file_search.vector_scan import batch_rows, pack, scan_nearest, similarity_score

__all__ = ["SqliteIndex"]

_CURRENT_ATTEMPT = "SELECT attempt FROM files WHERE file_id = ?"


class SqliteIndex:
    """A `SearchIndex` in one SQLite file (see `agentkit.file_search.index` for the protocol).

    Args:
        path: the index file; created, with its tables, on first use.
        driver: the SQLite module to open it with (default: `default_driver`, which uses
            sqlite-vec where it loads).
    """

    def __init__(self, path: str | Path, *, driver: SqliteDriver | None = None) -> None:
        self.path = Path(path)
        self.driver = driver if driver is not None else default_driver()
        self._db = IndexConnections(self.path, self.driver)

    @classmethod
    async def open(cls, path: str | Path, *, driver: SqliteDriver | None = None) -> SqliteIndex:
        """The index at ``path``, its file and tables created if missing."""
        index = cls(path, driver=driver)
        await index._db.write(lambda conn: None)
        return index

    async def begin_file(self, file: IndexedFile) -> int:
        attributes = validate_attributes(file.attributes)

        def begin(conn: Any) -> int:
            with transaction(conn):
                (attempt,) = conn.execute(
                    "INSERT INTO files (file_id, filename, attempt, status) "
                    "VALUES (?, ?, 1, 'in_progress') ON CONFLICT (file_id) DO UPDATE SET "
                    "filename = excluded.filename, attempt = files.attempt + 1, "
                    "status = 'in_progress' RETURNING attempt",
                    (file.file_id, file.filename),
                ).fetchone()
                conn.execute("DELETE FROM pending_chunks WHERE file_id = ?", (file.file_id,))
                _replace_attributes(conn, file.file_id, attributes)
            return int(attempt)

        return await self._db.write(begin)

    async def add_chunks(self, file_id: str, attempt: int, chunks: Sequence[Chunk]) -> bool:
        rows = [
            (file_id, attempt, c.index, c.token_start, c.token_end, c.text, _blob(c.vector))
            for c in chunks
        ]

        def add(conn: Any) -> bool:
            with transaction(conn):
                if _attempt_of(conn, file_id) != attempt:
                    return False
                conn.executemany(
                    "INSERT OR REPLACE INTO pending_chunks (file_id, attempt, chunk_index, "
                    "token_start, token_end, text, embedding) VALUES (?, ?, ?, ?, ?, ?, ?)",
                    rows,
                )
            return True

        return await self._db.write(add)

    async def commit_file(self, file_id: str, attempt: int) -> FileStats:
        def commit(conn: Any) -> FileStats:
            with transaction(conn):
                if _attempt_of(conn, file_id) != attempt:
                    raise FileDeletedError(
                        f"File {file_id} was deleted from the index while it was ingested."
                    )
                count, usage = conn.execute(
                    "SELECT count(*), coalesce(sum(length(CAST(text AS BLOB)) + "
                    "coalesce(length(embedding), 0)), 0) FROM pending_chunks "
                    "WHERE file_id = ? AND attempt = ?",
                    (file_id, attempt),
                ).fetchone()
                conn.execute("DELETE FROM chunks WHERE file_id = ?", (file_id,))
                _publish(conn, file_id, attempt)
                conn.execute("DELETE FROM pending_chunks WHERE file_id = ?", (file_id,))
                conn.execute(
                    "UPDATE files SET status = 'completed', chunk_count = ?, usage_bytes = ? "
                    "WHERE file_id = ?",
                    (count, usage, file_id),
                )
            return FileStats(int(count), int(usage))

        return await self._db.write(commit)

    async def delete_file(self, file_id: str) -> bool:
        def delete(conn: Any) -> bool:
            with transaction(conn):
                for table in ("chunks", "pending_chunks", "attributes"):
                    conn.execute(f"DELETE FROM {table} WHERE file_id = ?", (file_id,))
                return bool(
                    conn.execute("DELETE FROM files WHERE file_id = ?", (file_id,)).rowcount
                )

        return await self._db.write(delete)

    async def set_attributes(self, file_id: str, attributes: Mapping[str, AttributeValue]) -> bool:
        checked = validate_attributes(attributes)

        def update(conn: Any) -> bool:
            with transaction(conn):
                if _attempt_of(conn, file_id) is None:
                    return False
                _replace_attributes(conn, file_id, checked)
            return True

        return await self._db.write(update)

    async def vector_space(self) -> VectorSpace | None:
        return await self._db.read(_vector_space)

    async def set_vector_space(self, space: VectorSpace) -> None:
        def record(conn: Any) -> None:
            with transaction(conn):
                current = _vector_space(conn)
                if current is None:
                    conn.executemany(
                        "INSERT INTO meta (key, value) VALUES (?, ?)",
                        [("embedding_model", space.model), ("dimensions", str(space.dimensions))],
                    )
                elif current != space:
                    raise IngestError(
                        f"This vector store's vectors come from {current.model!r} "
                        f"({current.dimensions} dimensions); the embeddings client gives "
                        f"{space.model!r} ({space.dimensions}). Use one model per vector store.",
                        code="server_error",
                    )

        await self._db.write(record)

    async def lexical(
        self, text: str, filters: Mapping[str, Any] | None, limit: int
    ) -> list[Scored]:
        where = compile_filter(filters, "chunks.file_id") if filters else None
        return await self._db.read(lambda conn: lexical_search(conn, text, where, limit))

    async def nearest(
        self, vector: Sequence[float], filters: Mapping[str, Any] | None, limit: int
    ) -> list[Scored]:
        where = compile_filter(filters, "chunks.file_id") if filters else None
        source, params = "chunk_vectors v", ()
        if where is not None:
            source += f" JOIN chunks ON chunks.id = v.chunk_id WHERE {where.sql}"
            params = where.params
        with_vec = self.driver.vec_extension is not None

        def run(conn: Any) -> list[Scored]:
            if with_vec:
                rows = conn.execute(
                    "SELECT v.chunk_id, vec_distance_cosine(v.embedding, ?) AS distance "
                    f"FROM {source} ORDER BY distance LIMIT ?",
                    (pack(vector), *params, limit),
                )
                return [Scored(int(i), similarity_score(1.0 - d)) for i, d in rows]
            cursor = conn.execute(f"SELECT v.chunk_id, v.embedding FROM {source}", params)
            size = batch_rows(len(vector))
            return scan_nearest(iter(lambda: cursor.fetchmany(size), []), vector, limit)

        return await self._db.read(run)

    async def hits(self, scored: Sequence[Scored]) -> list[SearchHit]:
        if not scored:
            return []
        ids = [item.chunk_id for item in scored]

        def fetch(conn: Any) -> list[SearchHit]:
            marks = ", ".join("?" for _ in ids)
            rows = {
                row[0]: row
                for row in conn.execute(
                    "SELECT c.id, c.file_id, f.filename, c.text, c.chunk_index, c.token_start, "
                    "c.token_end FROM chunks c JOIN files f USING (file_id) "
                    f"WHERE c.id IN ({marks})",
                    ids,
                )
            }
            attributes = _attributes_of(conn, {row[1] for row in rows.values()})
            return [
                SearchHit(
                    item.chunk_id,
                    row[1],
                    row[2],
                    item.score,
                    row[3],
                    row[4],
                    row[5],
                    row[6],
                    attributes.get(row[1], {}),
                )
                for item in scored
                if (row := rows.get(item.chunk_id)) is not None
            ]

        return await self._db.read(fetch)

    async def drop(self) -> None:
        await self._db.drop()

    async def close(self) -> None:
        await self._db.close()


def _publish(conn: Any, file_id: str, attempt: int) -> None:
    """Copy an attempt's pending chunks, and their vectors, to where search sees them."""
    conn.execute(
        "INSERT INTO chunks (file_id, chunk_index, token_start, token_end, text) "
        "SELECT file_id, chunk_index, token_start, token_end, text FROM pending_chunks "
        "WHERE file_id = ? AND attempt = ? ORDER BY chunk_index",
        (file_id, attempt),
    )
    conn.execute(
        "INSERT INTO chunk_vectors (chunk_id, embedding) SELECT c.id, p.embedding "
        "FROM pending_chunks p JOIN chunks c "
        "ON c.file_id = p.file_id AND c.chunk_index = p.chunk_index "
        "WHERE p.file_id = ? AND p.attempt = ? AND p.embedding IS NOT NULL",
        (file_id, attempt),
    )


def _blob(vector: Sequence[float] | None) -> bytes | None:
    return None if vector is None else pack(vector)


def _attempt_of(conn: Any, file_id: str) -> int | None:
    row = conn.execute(_CURRENT_ATTEMPT, (file_id,)).fetchone()
    return None if row is None else int(row[0])


def _replace_attributes(conn: Any, file_id: str, attributes: Mapping[str, AttributeValue]) -> None:
    conn.execute("DELETE FROM attributes WHERE file_id = ?", (file_id,))
    conn.executemany(
        "INSERT INTO attributes (file_id, key, kind, value) VALUES (?, ?, ?, ?)",
        [(file_id, key, kind_of(value), stored_value(value)) for key, value in attributes.items()],
    )


def _vector_space(conn: Any) -> VectorSpace | None:
    rows = dict(
        conn.execute("SELECT key, value FROM meta WHERE key IN ('embedding_model', 'dimensions')")
    )
    if len(rows) < 2:
        return None
    return VectorSpace(rows["embedding_model"], int(rows["dimensions"]))


def _attributes_of(conn: Any, file_ids: set[str]) -> dict[str, dict[str, AttributeValue]]:
    found: dict[str, dict[str, AttributeValue]] = {}
    if not file_ids:
        return found
    marks = ", ".join("?" for _ in file_ids)
    for file_id, key, kind, value in conn.execute(
        f"SELECT file_id, key, kind, value FROM attributes WHERE file_id IN ({marks})",
        list(file_ids),
    ):
        found.setdefault(file_id, {})[key] = bool(value) if kind == "boolean" else value
    return found
