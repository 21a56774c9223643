"""The Postgres store's connections: a psycopg pool, opened (and migrated) on first use.

Errors that mean the database cannot be used (unreachable, refused login, a newer schema)
become `StoreError` naming the database by host, port and name — never by its URL, which
may hold a password.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import psycopg
from psycopg import AsyncConnection
from psycopg.conninfo import conninfo_to_dict
from psycopg_pool import AsyncConnectionPool, PoolTimeout

from agentkit.exceptions import StoreError, UserError
from agentkit.stores.postgres_schema import migrate

__all__ = ["PostgresPool", "describe_database"]


def describe_database(url: str) -> str:
    """``database NAME on HOST:PORT``: the URL without user or password, for messages."""
    try:
        parts = conninfo_to_dict(url)
    except psycopg.ProgrammingError:
        return "the database (its URL could not be parsed)"
    host = parts.get("host") or "localhost"
    port = parts.get("port") or "5432"
    return f"database {parts.get('dbname') or '(default)'!r} on {host}:{port}"


class PostgresPool:
    """A pool of autocommit connections to one database, shared by a store and its views.

    Args:
        url: a ``postgresql://`` URL or a libpq connection string.
        max_connections: the most connections the pool opens.
        connect_timeout: seconds to wait for a connection before `StoreError`.
    """

    def __init__(self, url: str, *, max_connections: int, connect_timeout: float) -> None:
        if not url.startswith(("postgresql://", "postgres://")) and "=" not in url:
            raise UserError(
                "PostgresStore needs a postgresql:// URL or a libpq connection string, "
                f"got {url[:20]!r}."
            )
        self.where = describe_database(url)
        self._url = url
        self._max = max_connections
        self._timeout = connect_timeout
        self._pool: AsyncConnectionPool[AsyncConnection[Any]] | None = None
        self._opening = asyncio.Lock()

    async def open(self) -> None:
        """Open the pool and create or upgrade the tables (once; later calls return at once)."""
        if self._pool is not None:
            return
        async with self._opening:
            if self._pool is not None:
                return
            pool: AsyncConnectionPool[AsyncConnection[Any]] = AsyncConnectionPool(
                self._url,
                min_size=1,
                max_size=self._max,
                timeout=self._timeout,
                kwargs={"autocommit": True},
                open=False,
                name="agentkit-store",
            )
            try:
                await pool.open(wait=True, timeout=self._timeout)
                async with pool.connection() as conn:
                    await migrate(conn, self.where)
            except BaseException as exc:
                await pool.close()
                if isinstance(exc, PoolTimeout | psycopg.OperationalError):
                    raise StoreError(
                        f"Can't connect to the Postgres store ({self.where})."
                    ) from None
                raise
            self._pool = pool

    @asynccontextmanager
    async def connection(self) -> AsyncIterator[AsyncConnection[Any]]:
        """A connection of the pool for one operation (the pool opens on first use)."""
        await self.open()
        assert self._pool is not None
        try:
            async with self._pool.connection() as conn:
                yield conn
        except PoolTimeout:
            raise StoreError(
                f"No connection to the Postgres store ({self.where}) within {self._timeout:g} s."
            ) from None

    async def aclose(self) -> None:
        """Close every connection."""
        if self._pool is not None:
            pool, self._pool = self._pool, None
            await pool.close()
