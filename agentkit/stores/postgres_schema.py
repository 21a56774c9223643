"""The Postgres store's tables, the schema version, and the SQL that uses them.

Everything lives in the ``agentkit`` schema of the database, beside whatever else is there
(DBOS keeps its own tables in ``dbos``). The version is the one row of ``agentkit.meta``;
`migrate` creates the tables in a database that has none, upgrades older ones, and refuses a
newer version, all under an advisory lock so that processes starting together take turns.

As in the SQLite store, each table has a ``seq`` that orders rows by insertion, the object's
``id`` (unique across projects), its ``project``, the object itself as JSON text in ``data``,
and only the columns that queries filter on.
"""

from __future__ import annotations

from typing import Any, Literal

from psycopg import AsyncConnection

from agentkit.exceptions import StoreError
from agentkit.records import ACTIVE_RUN_STATUSES
from agentkit.stores.sql_paging import POSTGRES, cursor_page_query

__all__ = [
    "ACTIVE_RUN",
    "ACTIVE_RUNS",
    "INSERT_MESSAGE",
    "INSERT_RUN",
    "INSERT_THREAD",
    "LOCK_THREAD",
    "RUN_EXISTS",
    "SCHEMA_VERSION",
    "THREAD_EXISTS",
    "UPSERT_ASSISTANT",
    "UPSERT_STEP",
    "migrate",
    "page_query",
]

_ACTIVE = ", ".join(f"'{status}'" for status in sorted(ACTIVE_RUN_STATUSES))

_V1 = (
    """CREATE TABLE agentkit.threads (
        seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        id text NOT NULL UNIQUE,
        project text NOT NULL,
        data text NOT NULL)""",
    "CREATE INDEX threads_by_project ON agentkit.threads (project, seq)",
    """CREATE TABLE agentkit.messages (
        seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        id text NOT NULL UNIQUE,
        project text NOT NULL,
        thread_id text NOT NULL REFERENCES agentkit.threads (id) ON DELETE CASCADE,
        run_id text,
        data text NOT NULL)""",
    "CREATE INDEX messages_by_thread ON agentkit.messages (thread_id, seq)",
    """CREATE TABLE agentkit.runs (
        seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        id text NOT NULL UNIQUE,
        project text NOT NULL,
        thread_id text NOT NULL REFERENCES agentkit.threads (id) ON DELETE CASCADE,
        status text NOT NULL,
        data text NOT NULL,
        state text NOT NULL,
        -- Who drives the run and until when (Unix seconds); NULL when nobody does.
        owner text,
        lease_expires_at double precision)""",
    "CREATE INDEX runs_by_thread ON agentkit.runs (thread_id, seq)",
    # The one-active-run rule, held by the database whatever process writes.
    f"""CREATE UNIQUE INDEX runs_one_active_per_thread ON agentkit.runs (thread_id)
        WHERE status IN ({_ACTIVE})""",
    f"CREATE INDEX runs_active ON agentkit.runs (project, seq) WHERE status IN ({_ACTIVE})",
    """CREATE TABLE agentkit.steps (
        seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        id text NOT NULL UNIQUE,
        project text NOT NULL,
        run_id text NOT NULL REFERENCES agentkit.runs (id) ON DELETE CASCADE,
        data text NOT NULL)""",
    "CREATE INDEX steps_by_run ON agentkit.steps (run_id, seq)",
    """CREATE TABLE agentkit.assistants (
        seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        id text NOT NULL UNIQUE,
        project text NOT NULL,
        data text NOT NULL)""",
    "CREATE INDEX assistants_by_project ON agentkit.assistants (project, seq)",
    """CREATE TABLE agentkit.tool_calls (
        seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        run_id text NOT NULL REFERENCES agentkit.runs (id) ON DELETE CASCADE,
        step_id text NOT NULL,
        call_id text NOT NULL,
        started boolean NOT NULL DEFAULT false,
        -- The finished call (a FunctionToolCall) as JSON; NULL until it is recorded.
        outcome text,
        UNIQUE (run_id, step_id, call_id))""",
    # Files' metadata; their bytes are in a directory (see agentkit.files).
    """CREATE TABLE agentkit.files (
        seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        id text NOT NULL UNIQUE,
        project text NOT NULL,
        purpose text NOT NULL,
        data text NOT NULL)""",
    "CREATE INDEX files_by_project ON agentkit.files (project, seq)",
    # The DBOS backend's workers (`agentkit.durable.reaper`): the last heartbeat of each.
    """CREATE TABLE agentkit.workers (
        executor_id text PRIMARY KEY,
        heartbeat_at double precision NOT NULL)""",
)

# Vector stores, their files and file batches, as in the SQLite store (the chunks are in
# the search index of the process that uses them, see agentkit.file_search).
_V2 = (
    """CREATE TABLE agentkit.vector_stores (
        seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        id text NOT NULL UNIQUE,
        project text NOT NULL,
        data text NOT NULL)""",
    "CREATE INDEX vector_stores_by_project ON agentkit.vector_stores (project, seq)",
    """CREATE TABLE agentkit.vector_store_files (
        seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        vector_store_id text NOT NULL
            REFERENCES agentkit.vector_stores (id) ON DELETE CASCADE,
        id text NOT NULL,
        project text NOT NULL,
        status text NOT NULL,
        batch_id text,
        usage_bytes bigint NOT NULL,
        data text NOT NULL,
        UNIQUE (vector_store_id, id))""",
    """CREATE INDEX vector_store_files_by_store
        ON agentkit.vector_store_files (vector_store_id, seq)""",
    "CREATE INDEX vector_store_files_by_status ON agentkit.vector_store_files (project, status)",
    "CREATE INDEX vector_store_files_by_file ON agentkit.vector_store_files (id)",
    "CREATE INDEX vector_store_files_by_batch ON agentkit.vector_store_files (batch_id)",
    """CREATE TABLE agentkit.vector_store_file_batches (
        seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        id text NOT NULL UNIQUE,
        project text NOT NULL,
        vector_store_id text NOT NULL
            REFERENCES agentkit.vector_stores (id) ON DELETE CASCADE,
        data text NOT NULL)""",
)

# MIGRATIONS[n] upgrades a database from version n to n + 1; version 0 has no tables.
MIGRATIONS: tuple[tuple[str, ...], ...] = (_V1, _V2)
SCHEMA_VERSION = len(MIGRATIONS)

# Any constant will do, as long as it is agentkit's: processes migrating take turns on it.
_MIGRATION_LOCK = 0x6167656E746B6974  # "agentkit"


async def migrate(conn: AsyncConnection[Any], where: str) -> None:
    """Create or upgrade agentkit's tables; ``where`` names the database in errors.

    Raises:
        StoreError: the database holds a newer schema version than this agentkit knows.
    """
    async with conn.transaction():
        await conn.execute("SELECT pg_advisory_xact_lock(%s)", (_MIGRATION_LOCK,))
        await conn.execute("CREATE SCHEMA IF NOT EXISTS agentkit")
        await conn.execute("CREATE TABLE IF NOT EXISTS agentkit.meta (version integer NOT NULL)")
        row = await (await conn.execute("SELECT version FROM agentkit.meta")).fetchone()
        version = 0 if row is None else int(row[0])
        if version > SCHEMA_VERSION:
            raise StoreError(
                f"{where} has agentkit store schema version {version}, but this agentkit knows "
                f"versions up to {SCHEMA_VERSION}. Upgrade agentkit to use it."
            )
        for script in MIGRATIONS[version:]:
            for statement in script:
                await conn.execute(statement)
        if row is None:
            await conn.execute("INSERT INTO agentkit.meta (version) VALUES (%s)", (SCHEMA_VERSION,))
        elif version != SCHEMA_VERSION:
            await conn.execute("UPDATE agentkit.meta SET version = %s", (SCHEMA_VERSION,))


# -- statements ----------------------------------------------------------------------------
THREAD_EXISTS = "SELECT 1 FROM agentkit.threads WHERE id = %s AND project = %s"
# Taken by every write that checks the thread's active run: such writes on one thread take
# turns. (NO KEY: messages and runs inserted meanwhile only need the row to stay.)
LOCK_THREAD = THREAD_EXISTS + " FOR NO KEY UPDATE"
RUN_EXISTS = "SELECT 1 FROM agentkit.runs WHERE id = %s AND project = %s"
ACTIVE_RUN = f"SELECT id FROM agentkit.runs WHERE thread_id = %s AND status IN ({_ACTIVE})"
ACTIVE_RUNS = f"""SELECT data FROM agentkit.runs WHERE project = %s AND status IN ({_ACTIVE})
    ORDER BY seq"""
INSERT_MESSAGE = """INSERT INTO agentkit.messages (id, project, thread_id, run_id, data)
    VALUES (%s, %s, %s, %s, %s)"""
INSERT_THREAD = "INSERT INTO agentkit.threads (id, project, data) VALUES (%s, %s, %s)"
INSERT_RUN = """INSERT INTO agentkit.runs
    (id, project, thread_id, status, data, state, owner, lease_expires_at)
    VALUES (%s, %s, %s, %s, %s, %s, %s, %s)"""
# The run row supplies the project check; the WHERE on the update keeps another project's or
# another run's step with the same id untouched (0 rows changed).
UPSERT_STEP = """INSERT INTO agentkit.steps (id, project, run_id, data)
    SELECT %s, project, id, %s FROM agentkit.runs WHERE id = %s AND project = %s
    ON CONFLICT (id) DO UPDATE SET data = excluded.data
    WHERE steps.project = excluded.project AND steps.run_id = excluded.run_id"""
UPSERT_ASSISTANT = """INSERT INTO agentkit.assistants (id, project, data) VALUES (%s, %s, %s)
    ON CONFLICT (id) DO UPDATE SET data = excluded.data
    WHERE assistants.project = excluded.project"""


def page_query(
    table: str,
    scope: tuple[str, tuple[Any, ...]],
    order: Literal["asc", "desc"],
    after: str | None,
    before: str | None,
    limit: int | None,
) -> tuple[str, tuple[Any, ...]]:
    """`cursor_page_query` in this store's SQL."""
    return cursor_page_query(POSTGRES, table, scope, order, after, before, limit)
