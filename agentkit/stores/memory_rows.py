"""`MemoryStore`'s tables: each object kept as JSON in a `Row`, with the fields queries use."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TypeVar

from pydantic import BaseModel

from agentkit.records import Message, Run
from agentkit.stores.memory_ledger import RunLedger
from agentkit.stores.memory_vector_stores import VectorStoreTables

__all__ = ["Row", "Tables", "message_row", "row_id", "run_row"]

_Model = TypeVar("_Model", bound=BaseModel)


@dataclass(frozen=True, slots=True)
class Row:
    """One stored object, as JSON (a copy nobody can mutate), with the fields queries use."""

    id: str
    json: str
    project: str = ""
    thread_id: str = ""
    run_id: str | None = None
    status: str = ""
    state: str = "{}"

    def load(self, kind: type[_Model]) -> _Model:
        """The object, validated as ``kind``."""
        return kind.model_validate_json(self.json)


@dataclass
class Tables:
    """Every table of a `MemoryStore` (shared by its project views)."""

    threads: dict[str, Row] = field(default_factory=dict)
    messages: dict[str, Row] = field(default_factory=dict)
    thread_messages: dict[str, list[str]] = field(default_factory=dict)
    runs: dict[str, Row] = field(default_factory=dict)
    thread_runs: dict[str, list[str]] = field(default_factory=dict)
    steps: dict[str, Row] = field(default_factory=dict)
    run_steps: dict[str, list[str]] = field(default_factory=dict)
    assistants: dict[str, Row] = field(default_factory=dict)
    files: dict[str, tuple[str, str]] = field(default_factory=dict)
    message_edits: dict[str, int] = field(default_factory=dict)
    ledger: RunLedger = field(default_factory=RunLedger)
    vector_stores: VectorStoreTables = field(default_factory=VectorStoreTables)


def row_id(row: Row) -> str:
    """The row's object id (the key rows are paged by)."""
    return row.id


def message_row(message: Message) -> Row:
    """A message's row."""
    return Row(
        message.id, message.model_dump_json(), thread_id=message.thread_id, run_id=message.run_id
    )


def run_row(run: Run, state: str) -> Row:
    """A run's row, with its state as JSON."""
    return Row(
        run.id, run.model_dump_json(), thread_id=run.thread_id, status=run.status, state=state
    )
