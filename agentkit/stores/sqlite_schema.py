"""The SQLite store's file format: tables, pragmas, the schema version, and the SQL that uses them.

The version lives in ``PRAGMA user_version``. `connect` creates the tables in an empty file,
upgrades an older file in one transaction, and refuses a file written by a newer agentkit, a
file that is not a SQLite database, and a SQLite database that is not an agentkit store.

Every table has a ``seq`` rowid that orders rows by insertion (``created_at`` has one-second
resolution), the object's ``id``, its ``project``, the object itself as JSON in ``data``, and
only the columns that queries filter on.
"""

from __future__ import annotations

import json
import sqlite3
from typing import Any, Literal

from agentkit.exceptions import NotFoundError, StoreError, UserError
from agentkit.records import Message
from agentkit.stores.sql_paging import SQLITE, cursor_page_query

__all__ = [
    "ACTIVE_RUN",
    "ACTIVE_RUNS",
    "INSERT_MESSAGE",
    "INSERT_RUN",
    "INSERT_THREAD",
    "RUN_EXISTS",
    "SCHEMA_VERSION",
    "THREAD_EXISTS",
    "THREAD_STEPS",
    "UPSERT_ASSISTANT",
    "UPSERT_STEP",
    "compact_json",
    "connect",
    "insert",
    "message_params",
    "page_query",
    "upsert_step",
]

# ``seq INTEGER PRIMARY KEY`` without AUTOINCREMENT: a new row gets max(seq) + 1, which keeps
# insertion order among the rows that exist without the cost of the sqlite_sequence table.
_V1 = (
    """CREATE TABLE threads (
        seq INTEGER PRIMARY KEY,
        id TEXT NOT NULL UNIQUE,
        project TEXT NOT NULL,
        data TEXT NOT NULL)""",
    "CREATE INDEX threads_by_project ON threads (project, seq)",
    """CREATE TABLE messages (
        seq INTEGER PRIMARY KEY,
        id TEXT NOT NULL UNIQUE,
        project TEXT NOT NULL,
        thread_id TEXT NOT NULL REFERENCES threads (id) ON DELETE CASCADE,
        run_id TEXT,
        data TEXT NOT NULL)""",
    "CREATE INDEX messages_by_thread ON messages (thread_id, seq)",
    """CREATE TABLE runs (
        seq INTEGER PRIMARY KEY,
        id TEXT NOT NULL UNIQUE,
        project TEXT NOT NULL,
        thread_id TEXT NOT NULL REFERENCES threads (id) ON DELETE CASCADE,
        status TEXT NOT NULL,
        -- The thread's id while the run is active, else NULL: the UNIQUE constraint holds the
        -- one-active-run invariant in the file itself, whatever process writes to it. (A
        -- partial index on status would do the same but makes every status change 3x slower.)
        active_thread TEXT UNIQUE,
        data TEXT NOT NULL,
        state TEXT NOT NULL)""",
    "CREATE INDEX runs_by_thread ON runs (thread_id, seq)",
    """CREATE TABLE steps (
        seq INTEGER PRIMARY KEY,
        id TEXT NOT NULL UNIQUE,
        project TEXT NOT NULL,
        run_id TEXT NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
        data TEXT NOT NULL)""",
    "CREATE INDEX steps_by_run ON steps (run_id, seq)",
    """CREATE TABLE assistants (
        seq INTEGER PRIMARY KEY,
        id TEXT NOT NULL UNIQUE,
        project TEXT NOT NULL,
        data TEXT NOT NULL)""",
    "CREATE INDEX assistants_by_project ON assistants (project, seq)",
)

# Files (metadata; the bytes are in a directory beside the database, see agentkit.files).
_V2 = (
    """CREATE TABLE files (
        seq INTEGER PRIMARY KEY,
        id TEXT NOT NULL UNIQUE,
        project TEXT NOT NULL,
        purpose TEXT NOT NULL,
        data TEXT NOT NULL)""",
    "CREATE INDEX files_by_project ON files (project, seq)",
)

# Version 3: runs carry a lease (who drives them, until when), and tool calls are recorded
# one by one as they start and finish (see the contract in `agentkit.stores.base`). Runs a
# version 2 file held in a driven status get no owner: they are orphans, for `recover`.
_V3 = (
    "ALTER TABLE runs ADD COLUMN owner TEXT",
    "ALTER TABLE runs ADD COLUMN lease_expires_at REAL",
    """CREATE TABLE tool_calls (
        seq INTEGER PRIMARY KEY,
        run_id TEXT NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
        step_id TEXT NOT NULL,
        call_id TEXT NOT NULL,
        started INTEGER NOT NULL DEFAULT 0,
        -- The finished call (a FunctionToolCall) as JSON; NULL until it is recorded.
        outcome TEXT,
        UNIQUE (run_id, step_id, call_id))""",
)

# Vector stores, their files and file batches (the chunks are in one index file per vector
# store, beside the database, see agentkit.file_search).
_V4 = (
    """CREATE TABLE vector_stores (
        seq INTEGER PRIMARY KEY,
        id TEXT NOT NULL UNIQUE,
        project TEXT NOT NULL,
        data TEXT NOT NULL)""",
    "CREATE INDEX vector_stores_by_project ON vector_stores (project, seq)",
    """CREATE TABLE vector_store_files (
        seq INTEGER PRIMARY KEY,
        vector_store_id TEXT NOT NULL REFERENCES vector_stores (id) ON DELETE CASCADE,
        id TEXT NOT NULL,
        project TEXT NOT NULL,
        status TEXT NOT NULL,
        batch_id TEXT,
        usage_bytes INTEGER NOT NULL,
        data TEXT NOT NULL,
        UNIQUE (vector_store_id, id))""",
    "CREATE INDEX vector_store_files_by_store ON vector_store_files (vector_store_id, seq)",
    "CREATE INDEX vector_store_files_by_status ON vector_store_files (project, status)",
    "CREATE INDEX vector_store_files_by_file ON vector_store_files (id)",
    "CREATE INDEX vector_store_files_by_batch ON vector_store_files (batch_id)",
    """CREATE TABLE vector_store_file_batches (
        seq INTEGER PRIMARY KEY,
        id TEXT NOT NULL UNIQUE,
        project TEXT NOT NULL,
        vector_store_id TEXT NOT NULL REFERENCES vector_stores (id) ON DELETE CASCADE,
        data TEXT NOT NULL)""",
)

# MIGRATIONS[n] upgrades a file from version n to n + 1; version 0 is an empty file.
MIGRATIONS: tuple[tuple[str, ...], ...] = (_V1, _V2, _V3, _V4)
SCHEMA_VERSION = len(MIGRATIONS)


def connect(path: str, *, busy_timeout_ms: int, autocheckpoint: bool = True) -> sqlite3.Connection:
    """Open ``path`` with the store's pragmas, creating or upgrading its tables.

    The connection is in autocommit mode (transactions are explicit) and may be used from any
    one thread at a time.

    Raises:
        StoreError: the file cannot be opened, is not a SQLite database, is not an agentkit
            store, or has a schema version newer than this agentkit knows.
    """
    try:
        conn = sqlite3.connect(
            path, isolation_level=None, check_same_thread=False, cached_statements=256
        )
    except sqlite3.Error as exc:
        raise StoreError(f"Can't open the store file {path!r}: {exc}.") from exc
    try:
        _configure(conn, path, busy_timeout_ms=busy_timeout_ms, autocheckpoint=autocheckpoint)
        _migrate(conn, path)
    except BaseException:
        conn.close()
        raise
    return conn


def _configure(
    conn: sqlite3.Connection, path: str, *, busy_timeout_ms: int, autocheckpoint: bool
) -> None:
    try:
        conn.execute(f"PRAGMA busy_timeout = {int(busy_timeout_ms)}")
        # Reading the header first turns "not a database" into an error we can name.
        conn.execute("PRAGMA user_version").fetchone()
        conn.execute("PRAGMA journal_mode = WAL").fetchone()
        conn.execute("PRAGMA synchronous = NORMAL")
        conn.execute("PRAGMA foreign_keys = ON")
        conn.execute("PRAGMA temp_store = MEMORY")
        if not autocheckpoint:
            conn.execute("PRAGMA wal_autocheckpoint = 0")
    except sqlite3.DatabaseError as exc:
        if exc.sqlite_errorcode & 0xFF == sqlite3.SQLITE_NOTADB:
            raise StoreError(f"{path!r} is not a SQLite database.") from exc
        raise StoreError(f"Can't open the store file {path!r}: {exc}.") from exc


def _migrate(conn: sqlite3.Connection, path: str) -> None:
    if _version(conn, path) == SCHEMA_VERSION:
        return
    conn.execute("BEGIN IMMEDIATE")
    try:
        # Read again under the write lock: another process may have created the tables.
        version = _version(conn, path)
        if version == 0 and conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]:
            raise StoreError(
                f"{path!r} is a SQLite database but not an agentkit store (it has other tables)."
            )
        for script in MIGRATIONS[version:]:
            for statement in script:
                conn.execute(statement)
        conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")


def _version(conn: sqlite3.Connection, path: str) -> int:
    version = int(conn.execute("PRAGMA user_version").fetchone()[0])
    if version > SCHEMA_VERSION:
        raise StoreError(
            f"{path!r} has store schema version {version}, but this agentkit knows versions up "
            f"to {SCHEMA_VERSION}. Upgrade agentkit to open it."
        )
    return version


# -- statements ----------------------------------------------------------------------------
THREAD_EXISTS = "SELECT 1 FROM threads WHERE id = ? AND project = ?"
RUN_EXISTS = "SELECT 1 FROM runs WHERE id = ? AND project = ?"
ACTIVE_RUN = "SELECT id FROM runs WHERE active_thread = ?"
ACTIVE_RUNS = "SELECT data FROM runs WHERE project = ? AND active_thread IS NOT NULL ORDER BY seq"
INSERT_THREAD = "INSERT INTO threads (id, project, data) VALUES (?, ?, ?)"
INSERT_MESSAGE = (
    "INSERT INTO messages (id, project, thread_id, run_id, data) VALUES (?, ?, ?, ?, ?)"
)
INSERT_RUN = """INSERT INTO runs
    (id, project, thread_id, status, active_thread, data, state, owner, lease_expires_at)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"""
# The run row supplies the project check; the WHERE on the update keeps another project's or
# another run's step with the same id untouched (0 rows changed).
UPSERT_STEP = """INSERT INTO steps (id, project, run_id, data)
    SELECT ?, project, id, ? FROM runs WHERE id = ? AND project = ?
    ON CONFLICT (id) DO UPDATE SET data = excluded.data
    WHERE steps.project = excluded.project AND steps.run_id = excluded.run_id"""
UPSERT_ASSISTANT = """INSERT INTO assistants (id, project, data) VALUES (?, ?, ?)
    ON CONFLICT (id) DO UPDATE SET data = excluded.data
    WHERE assistants.project = excluded.project"""
THREAD_STEPS = """SELECT steps.data FROM runs JOIN steps ON steps.run_id = runs.id
    WHERE runs.thread_id = ? AND runs.project = ? ORDER BY runs.seq, steps.seq"""


def page_query(
    table: str,
    scope: tuple[str, tuple[Any, ...]],
    order: Literal["asc", "desc"],
    after: str | None,
    before: str | None,
    limit: int | None,
) -> tuple[str, tuple[Any, ...]]:
    """`cursor_page_query` in this store's SQL."""
    return cursor_page_query(SQLITE, table, scope, order, after, before, limit)


def upsert_step(conn: sqlite3.Connection, params: tuple[str, str, str, str]) -> None:
    """Insert or replace a step (``UPSERT_STEP``); NotFoundError naming what is missing."""
    if conn.execute(UPSERT_STEP, params).rowcount:
        return
    step_id, _, run_id, project = params
    if conn.execute(RUN_EXISTS, (run_id, project)).fetchone() is None:
        raise NotFoundError(f"No run found with id {run_id!r}.")
    raise NotFoundError(f"No run step found with id {step_id!r} on run {run_id!r}.")


def message_params(message: Message, project: str) -> tuple[Any, ...]:
    """The parameters of ``INSERT_MESSAGE`` for ``message``."""
    data = message.model_dump_json()
    return (message.id, project, message.thread_id, message.run_id, data)


def insert(conn: sqlite3.Connection, sql: str, params: tuple[Any, ...], what: str) -> None:
    """Run an INSERT; a duplicate id (``params[0]``) is a UserError naming ``what``."""
    try:
        conn.execute(sql, params)
    except sqlite3.IntegrityError as exc:
        raise UserError(f"A {what} with id {params[0]!r} already exists.") from exc


def compact_json(value: dict[str, Any]) -> str:
    """``value`` as JSON without spaces (how objects and states are stored)."""
    return json.dumps(value, separators=(",", ":"))
