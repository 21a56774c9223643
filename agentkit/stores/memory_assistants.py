"""`MemoryStore`'s assistants (for `agentkit serve`): the `AssistantsStore` methods."""

from __future__ import annotations

import json
from typing import Any

from agentkit.exceptions import NotFoundError
from agentkit.stores.base import ListOrder
from agentkit.stores.memory_rows import Row, Tables, row_id
from agentkit.stores.paging import page

__all__ = ["MemoryAssistants"]


class MemoryAssistants:
    """The assistants half of `MemoryStore`: each assistant a JSON row of its project."""

    project: str
    _data: Tables

    def _assistant(self, assistant_id: str) -> Row:
        row = self._data.assistants.get(assistant_id)
        if row is None or row.project != self.project:
            raise NotFoundError(f"No assistant found with id {assistant_id!r}.")
        return row

    async def save_assistant(self, assistant: dict[str, Any]) -> None:
        assistant_id = str(assistant["id"])
        if assistant_id in self._data.assistants:
            self._assistant(assistant_id)
        row = Row(assistant_id, json.dumps(assistant), self.project)
        self._data.assistants[assistant_id] = row

    async def get_assistant(self, assistant_id: str) -> dict[str, Any]:
        assistant: dict[str, Any] = json.loads(self._assistant(assistant_id).json)
        return assistant

    async def delete_assistant(self, assistant_id: str) -> None:
        self._assistant(assistant_id)
        del self._data.assistants[assistant_id]

    async def list_assistants(
        self,
        *,
        order: ListOrder = "desc",
        after: str | None = None,
        before: str | None = None,
        limit: int | None = None,
    ) -> list[dict[str, Any]]:
        mine = [row for row in self._data.assistants.values() if row.project == self.project]
        selected = page(mine, key=row_id, order=order, after=after, before=before, limit=limit)
        return [json.loads(row.json) for row in selected]
