"""Run events as JSON, so that a worker can publish them and any process can read them back.

A stream row is a batch: ``{"events": [...], "end": bool}``; ``end`` marks the last batch
of a segment (the stream needs no separate close). Rows written before ``end`` existed are
plain lists of events.
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import Field, TypeAdapter

from agentkit.events import RunEvent

__all__ = ["decode_batch", "encode_batch"]

_EVENT: TypeAdapter[RunEvent] = TypeAdapter(Annotated[RunEvent, Field(discriminator="kind")])


def encode_batch(events: list[RunEvent], *, end: bool) -> dict[str, Any]:
    """A JSON-compatible row of ``events``, in order; ``end``: the segment's last."""
    return {"events": [_EVENT.dump_python(event, mode="json") for event in events], "end": end}


def decode_batch(row: dict[str, Any] | list[dict[str, Any]]) -> tuple[list[RunEvent], bool]:
    """The inverse of `encode_batch`: the events, and whether the segment ends there."""
    items, end = (row, False) if isinstance(row, list) else (row["events"], bool(row["end"]))
    return [_EVENT.validate_python(item) for item in items], end
