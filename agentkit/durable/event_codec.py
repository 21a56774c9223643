"""Run events as JSON, so that a worker can publish them and any process can read them back."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import Field, TypeAdapter

from agentkit.events import RunEvent

__all__ = ["decode_events", "encode_events"]

_EVENT: TypeAdapter[RunEvent] = TypeAdapter(Annotated[RunEvent, Field(discriminator="kind")])


def encode_events(events: list[RunEvent]) -> list[dict[str, Any]]:
    """JSON-compatible dicts of ``events``, in order."""
    return [_EVENT.dump_python(event, mode="json") for event in events]


def decode_events(data: list[dict[str, Any]]) -> list[RunEvent]:
    """The inverse of `encode_events`."""
    return [_EVENT.validate_python(item) for item in data]
