"""`AssistantsStore`: what `agentkit serve` needs on top of the engine's `Store`.

Editing threads and messages after the fact, assistant records, and per-project views of
one storage. `MemoryStore` and `SQLiteStore` implement it; a store used only by the engine
needs just `Store`.
"""

from __future__ import annotations

from abc import abstractmethod
from typing import Any

from agentkit.records import Message, Thread
from agentkit.stores.base import ListOrder, Store

__all__ = ["AssistantsStore"]


class AssistantsStore(Store):
    """A `Store` that also serves the Assistants API's management routes."""

    @abstractmethod
    async def update_thread(self, thread: Thread) -> None:
        """Replace a stored thread."""

    @abstractmethod
    async def get_message(self, message_id: str) -> Message:
        """The message with this id."""

    @abstractmethod
    async def update_message(self, message: Message) -> None:
        """Replace a stored message."""

    @abstractmethod
    async def delete_message(self, message_id: str) -> None:
        """Delete a message."""

    @abstractmethod
    async def save_assistant(self, assistant: dict[str, Any]) -> None:
        """Insert or replace an assistant record (must have ``id`` and ``created_at``)."""

    @abstractmethod
    async def get_assistant(self, assistant_id: str) -> dict[str, Any]:
        """The assistant record with this id."""

    @abstractmethod
    async def delete_assistant(self, assistant_id: str) -> None:
        """Delete an assistant record."""

    @abstractmethod
    async def list_assistants(
        self,
        *,
        order: ListOrder = "desc",
        after: str | None = None,
        before: str | None = None,
        limit: int | None = None,
    ) -> list[dict[str, Any]]:
        """Assistant records by creation order."""

    @abstractmethod
    def scoped(self, project: str) -> AssistantsStore:
        """A view of the same storage that sees only ``project``'s objects."""
