"""A stored file's metadata, as the Files API shows it."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from agentkit.records.base import (
    ApiObject,
    new_file_id,
    now,
)

__all__ = ["FileObject"]


class FileObject(ApiObject):
    """A stored file's metadata, as the Files API shows it (the bytes are kept apart).

    Attributes:
        bytes: the size of the content.
        filename: the name it was uploaded with (metadata only: never a path on disk).
        purpose: ``assistants``, ``assistants_output`` (written by the code interpreter),
            ``user_data``, ...
    """

    id: str = Field(default_factory=new_file_id)
    object: Literal["file"] = "file"
    bytes: int
    created_at: int = Field(default_factory=now)
    filename: str
    purpose: str
    status: Literal["uploaded", "processed", "error"] = "processed"
    expires_at: int | None = None
    status_details: str | None = None
