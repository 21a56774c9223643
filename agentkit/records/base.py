"""What every record shares: ids, timestamps, run statuses and the base model."""

from __future__ import annotations

import secrets
import time
from typing import Any, Literal, TypeAlias

from pydantic import BaseModel, ConfigDict

__all__ = [
    "ACTIVE_RUN_STATUSES",
    "TERMINAL_RUN_STATUSES",
    "ApiObject",
    "RunStatus",
    "new_file_id",
    "new_id",
    "now",
]

RunStatus: TypeAlias = Literal[
    "queued",
    "in_progress",
    "requires_action",
    "cancelling",
    "cancelled",
    "failed",
    "completed",
    "incomplete",
    "expired",
]
TERMINAL_RUN_STATUSES: frozenset[str] = frozenset(
    {"cancelled", "failed", "completed", "incomplete", "expired"}
)
ACTIVE_RUN_STATUSES: frozenset[str] = frozenset(
    {"queued", "in_progress", "requires_action", "cancelling"}
)

_ALPHABET = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
# Random bytes map onto the 62 characters (4 bytes each); bytes 248-255 map to nothing and
# are dropped, so every character stays equally likely.
_BYTE_TO_CHAR = bytes((_ALPHABET * 4).encode()) + b"." * 8


def new_id(prefix: str) -> str:
    """A fresh id in the API's style: ``prefix_`` and 24 random alphanumerics."""
    chars = b""
    while len(chars) < 24:
        chars += secrets.token_bytes(32).translate(_BYTE_TO_CHAR).replace(b".", b"")
    return f"{prefix}_{chars[:24].decode()}"


def new_file_id() -> str:
    """A fresh file id in OpenAI's style: ``file-`` and 24 random alphanumerics."""
    return "file-" + new_id("x")[2:]


def now() -> int:
    """The current time as Unix seconds, the API's timestamp unit."""
    return int(time.time())


class ApiObject(BaseModel):
    """The base of the records: extra fields ignored, validators built on first use."""

    model_config = ConfigDict(extra="ignore", validate_assignment=False, defer_build=True)

    def wire(self) -> dict[str, Any]:
        """The object as the Assistants API would send it."""
        return self.model_dump(mode="json")
