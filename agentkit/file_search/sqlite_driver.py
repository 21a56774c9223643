"""Which SQLite module opens the index, and whether it can load ``sqlite-vec``.

``sqlite-vec`` computes vector distances in C, inside the query. It loads only into a
``sqlite3`` module built with extension loading; many Python builds (pyenv's default among
them) leave that out. Then ``pysqlite3`` (``pysqlite3-binary`` on Linux x86-64), the same
module with its own SQLite, is used when it is installed; without either, the index still
has vectors, scanned in NumPy (`agentkit.file_search.vector_scan`). All three read and
write the same file format.

Within one process, open a given index with one driver only: two SQLite libraries in one
process do not see each other's POSIX locks, so closing the file in one drops the other's
locks. Separate processes may use different drivers on the same file.
"""

from __future__ import annotations

import importlib
import sqlite3
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

__all__ = ["SqliteDriver", "default_driver", "stdlib_driver"]


@dataclass(frozen=True, slots=True)
class SqliteDriver:
    """A DB-API module for SQLite, and sqlite-vec's extension path when it loads into it.

    Attributes:
        module: ``sqlite3`` or a module with its API (``pysqlite3.dbapi2``).
        vec_extension: the loadable ``sqlite-vec`` library, or None to scan vectors in NumPy.
    """

    module: Any
    vec_extension: str | None = None

    @property
    def name(self) -> str:
        """The module's name, and ``+sqlite-vec`` when vectors are searched with it."""
        return str(self.module.__name__) + ("+sqlite-vec" if self.vec_extension else "")

    def prepare(self, conn: Any) -> None:
        """Load sqlite-vec into a new connection, when this driver uses it."""
        if self.vec_extension is not None:
            conn.enable_load_extension(True)
            conn.load_extension(self.vec_extension)
            conn.enable_load_extension(False)


def stdlib_driver() -> SqliteDriver:
    """The standard library's ``sqlite3``, scanning vectors in NumPy."""
    return SqliteDriver(sqlite3)


@lru_cache(maxsize=1)
def default_driver() -> SqliteDriver:
    """The best driver here: one that loads sqlite-vec if any does, else the standard one."""
    extension = _vec_extension()
    if extension is None:
        return stdlib_driver()
    for name in ("sqlite3", "pysqlite3.dbapi2"):
        module = _module(name)
        if module is not None and _loads(module, extension):
            return SqliteDriver(module, extension)
    return stdlib_driver()


def _vec_extension() -> str | None:
    try:
        import sqlite_vec  # type: ignore[import-untyped]
    except ImportError:
        return None
    return str(sqlite_vec.loadable_path())


def _module(name: str) -> Any:
    try:
        return importlib.import_module(name)
    except ImportError:
        return None


def _loads(module: Any, extension: str) -> bool:
    if not hasattr(module.Connection, "enable_load_extension"):
        return False
    conn = module.connect(":memory:")
    try:
        SqliteDriver(module, extension).prepare(conn)
        conn.execute("SELECT vec_version()").fetchone()
        return True
    except module.Error:
        return False
    finally:
        conn.close()
