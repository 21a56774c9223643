"""Where threads, messages, runs and steps persist: `MemoryStore`, or `SQLiteStore` on disk."""

from agentkit.stores.assistants import AssistantsStore
from agentkit.stores.base import CallRecord, Lease, ListOrder, Store
from agentkit.stores.memory import MemoryStore
from agentkit.stores.sqlite import SQLiteStore

__all__ = [
    "AssistantsStore",
    "CallRecord",
    "Lease",
    "ListOrder",
    "MemoryStore",
    "SQLiteStore",
    "Store",
]
