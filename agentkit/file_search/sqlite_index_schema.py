"""The tables of a SQLite file-search index, and how its connections are opened.

One file per vector store. ``chunks`` holds what is searchable, mirrored into the FTS5
table ``chunks_fts`` by triggers; their vectors live apart in ``chunk_vectors``, so a vector
scan reads vectors only, not the text beside them. ``pending_chunks`` holds what an
unfinished ingestion has written so far, invisible to search until the file is committed.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from agentkit.file_search.errors import FileSearchError, IndexDeletedError
from agentkit.file_search.sqlite_driver import SqliteDriver

__all__ = ["SCHEMA_VERSION", "connect", "create_schema"]

SCHEMA_VERSION = 1

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS files (
    file_id TEXT PRIMARY KEY,
    filename TEXT NOT NULL,
    attempt INTEGER NOT NULL,
    status TEXT NOT NULL,
    chunk_count INTEGER NOT NULL DEFAULT 0,
    usage_bytes INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS attributes (
    file_id TEXT NOT NULL,
    key TEXT NOT NULL,
    kind TEXT NOT NULL,
    value,
    PRIMARY KEY (file_id, key)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS attributes_by_key ON attributes (key, kind, value);
CREATE TABLE IF NOT EXISTS chunks (
    id INTEGER PRIMARY KEY,
    file_id TEXT NOT NULL,
    chunk_index INTEGER NOT NULL,
    token_start INTEGER NOT NULL,
    token_end INTEGER NOT NULL,
    text TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS chunks_by_file ON chunks (file_id, chunk_index);
CREATE TABLE IF NOT EXISTS chunk_vectors (
    chunk_id INTEGER PRIMARY KEY,
    embedding BLOB NOT NULL
);
CREATE TABLE IF NOT EXISTS pending_chunks (
    file_id TEXT NOT NULL,
    attempt INTEGER NOT NULL,
    chunk_index INTEGER NOT NULL,
    token_start INTEGER NOT NULL,
    token_end INTEGER NOT NULL,
    text TEXT NOT NULL,
    embedding BLOB,
    PRIMARY KEY (file_id, attempt, chunk_index)
);
CREATE VIRTUAL TABLE IF NOT EXISTS chunks_fts USING fts5 (
    text, content = 'chunks', content_rowid = 'id',
    tokenize = 'porter unicode61 remove_diacritics 2'
);
CREATE TRIGGER IF NOT EXISTS chunks_fts_insert AFTER INSERT ON chunks BEGIN
    INSERT INTO chunks_fts (rowid, text) VALUES (new.id, new.text);
END;
CREATE TRIGGER IF NOT EXISTS chunks_fts_delete AFTER DELETE ON chunks BEGIN
    INSERT INTO chunks_fts (chunks_fts, rowid, text) VALUES ('delete', old.id, old.text);
    DELETE FROM chunk_vectors WHERE chunk_id = old.id;
END;
"""


def connect(
    driver: SqliteDriver, path: Path, *, create: bool = False, busy_timeout_ms: int = 10_000
) -> Any:
    """A connection to the index at ``path``, in WAL mode, usable from one thread at a time.

    Raises:
        IndexDeletedError: the file does not exist and ``create`` is false.
        FileSearchError: the file is not a SQLite database.
    """
    mode = "rwc" if create else "rw"
    try:
        conn = driver.module.connect(
            f"file:{path}?mode={mode}", uri=True, check_same_thread=False, isolation_level=None
        )
    except driver.module.OperationalError as exc:
        raise IndexDeletedError(
            f"The file search index {path} was deleted (no such file)."
        ) from exc
    try:
        conn.execute(f"PRAGMA busy_timeout = {int(busy_timeout_ms)}")
        conn.execute("PRAGMA journal_mode = WAL").fetchone()
        conn.execute("PRAGMA synchronous = NORMAL")
        driver.prepare(conn)
    except driver.module.OperationalError:
        conn.close()
        raise
    except driver.module.DatabaseError as exc:
        conn.close()
        raise FileSearchError(f"{path} is not a file search index ({exc}).") from exc
    except BaseException:
        conn.close()
        raise
    return conn


def create_schema(conn: Any) -> None:
    """Create the tables if they are missing, and record the schema version.

    Raises:
        FileSearchError: the file was written by a newer agentkit (a later schema version).
    """
    conn.executescript(_SCHEMA)
    conn.execute(
        "INSERT OR IGNORE INTO meta (key, value) VALUES ('schema_version', ?)",
        (str(SCHEMA_VERSION),),
    )
    (version,) = conn.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
    if int(version) > SCHEMA_VERSION:
        raise FileSearchError(
            f"This file search index has schema version {version}; this agentkit reads "
            f"version {SCHEMA_VERSION}. Upgrade agentkit."
        )
