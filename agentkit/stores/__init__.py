"""Where threads, messages, runs and steps persist: `MemoryStore`, or `SQLiteStore` on disk."""

from agentkit.stores.assistants import AssistantsStore
from agentkit.stores.base import ListOrder, Store
from agentkit.stores.memory import MemoryStore
from agentkit.stores.sqlite import SQLiteStore

__all__ = ["AssistantsStore", "ListOrder", "MemoryStore", "SQLiteStore", "Store"]
