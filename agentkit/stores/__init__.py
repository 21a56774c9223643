"""Where threads, messages, runs and steps persist.

`MemoryStore`, `SQLiteStore` on disk, or `PostgresStore` (the ``postgres`` extra), shared by
many processes and machines. All three are also `FileStore`s (file metadata for
`agentkit.files.Files`); `MemoryStore` and `SQLiteStore` are `VectorStoreStore`s (vector
store records for `agentkit.file_search.VectorStores`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from agentkit.stores.assistants import AssistantsStore
from agentkit.stores.base import CallRecord, Lease, ListOrder, Store
from agentkit.stores.files import FileStore
from agentkit.stores.memory import MemoryStore
from agentkit.stores.sqlite import SQLiteStore
from agentkit.stores.vector_stores import VectorStoreStore

if TYPE_CHECKING:
    from agentkit.stores.postgres import PostgresStore

# psycopg loads only when the Postgres store is used.
_LAZY = {"PostgresStore": "agentkit.stores.postgres"}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'agentkit.stores' has no attribute {name!r}")


__all__ = [
    "AssistantsStore",
    "CallRecord",
    "FileStore",
    "Lease",
    "ListOrder",
    "MemoryStore",
    "PostgresStore",
    "SQLiteStore",
    "Store",
    "VectorStoreStore",
]
