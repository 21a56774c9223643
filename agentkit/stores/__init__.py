"""Where threads, messages, runs and steps persist: `MemoryStore`, or `SQLiteStore` on disk.

Both are also `FileStore`s (file metadata for `agentkit.files.Files`).
"""

from agentkit.stores.assistants import AssistantsStore
from agentkit.stores.base import ListOrder, Store
from agentkit.stores.files import FileStore
from agentkit.stores.memory import MemoryStore
from agentkit.stores.sqlite import SQLiteStore

__all__ = ["AssistantsStore", "FileStore", "ListOrder", "MemoryStore", "SQLiteStore", "Store"]
