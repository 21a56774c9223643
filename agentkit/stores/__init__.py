"""Where threads, messages, runs and steps persist.

`MemoryStore`, `SQLiteStore` on disk, or `PostgresStore` (the ``postgres`` extra), shared by
many processes and machines. All three are also `FileStore`s (file metadata for
`agentkit.files.Files`) and `VectorStoreStore`s (vector store records for
`agentkit.file_search.VectorStores`).
"""

import typing

from agentkit.exports import lazy_exports as _lazy_exports

if typing.TYPE_CHECKING:
    from agentkit.stores.assistants import AssistantsStore
    from agentkit.stores.base import CallRecord, Lease, ListOrder, Store
    from agentkit.stores.files import FileStore
    from agentkit.stores.memory import MemoryStore
    from agentkit.stores.postgres import PostgresStore
    from agentkit.stores.sqlite import SQLiteStore
    from agentkit.stores.vector_stores import VectorStoreStore

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

# Each name loads its module on first use (see `agentkit.exports`): a remote run needs the
# store contract, not SQLite; psycopg loads only when the Postgres store is used.
if not typing.TYPE_CHECKING:
    __getattr__, __dir__ = _lazy_exports(
        globals(),
        {
            "agentkit.stores.assistants": ["AssistantsStore"],
            "agentkit.stores.base": ["CallRecord", "Lease", "ListOrder", "Store"],
            "agentkit.stores.files": ["FileStore"],
            "agentkit.stores.memory": ["MemoryStore"],
            "agentkit.stores.postgres": ["PostgresStore"],
            "agentkit.stores.sqlite": ["SQLiteStore"],
            "agentkit.stores.vector_stores": ["VectorStoreStore"],
        },
    )
