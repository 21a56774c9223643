"""Where threads, messages, runs and steps persist: `MemoryStore`, or `SQLiteStore` on disk.

Both are also `FileStore`s (file metadata for `agentkit.files.Files`).
"""

from agentkit.stores.assistants import AssistantsStore
from agentkit.stores.base import CallRecord, Lease, ListOrder, Store
from agentkit.stores.files import FileStore
from agentkit.stores.memory import MemoryStore
from agentkit.stores.sqlite import SQLiteStore

__all__ = [
    "AssistantsStore",
    "CallRecord",
    "FileStore",
    "Lease",
    "ListOrder",
    "MemoryStore",
    "SQLiteStore",
    "Store",
]
