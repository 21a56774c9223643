"""Threads and the messages in them."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field

from agentkit.exceptions import UserError
from agentkit.records.base import (
    ApiObject,
    new_id,
    now,
)
from agentkit.records.content import (
    ImageFileContent,
    ImageURLContent,
    MessageContent,
    Text,
    TextContent,
    UserInput,
)

__all__ = ["IncompleteDetails", "Message", "Thread"]


class Thread(ApiObject):
    """A conversation."""

    id: str = Field(default_factory=lambda: new_id("thread"))
    object: Literal["thread"] = "thread"
    created_at: int = Field(default_factory=now)
    metadata: dict[str, str] = Field(default_factory=dict)
    tool_resources: dict[str, Any] | None = None


class IncompleteDetails(ApiObject):
    """Why a run or message ended before it was complete."""

    reason: str


class Message(ApiObject):
    """A message in a thread.

    Attributes:
        run_id: the run that wrote it (assistant messages).
    """

    id: str = Field(default_factory=lambda: new_id("msg"))
    object: Literal["thread.message"] = "thread.message"
    created_at: int = Field(default_factory=now)
    thread_id: str
    role: Literal["user", "assistant"]
    content: list[MessageContent]
    assistant_id: str | None = None
    run_id: str | None = None
    attachments: list[dict[str, Any]] = Field(default_factory=list)
    metadata: dict[str, str] = Field(default_factory=dict)
    status: Literal["in_progress", "incomplete", "completed"] = "completed"
    completed_at: int | None = None
    incomplete_at: int | None = None
    incomplete_details: IncompleteDetails | None = None

    @property
    def text(self) -> str:
        """All text parts joined (image parts have no text)."""
        return "".join(part.text.value for part in self.content if isinstance(part, TextContent))

    @property
    def image_file_ids(self) -> list[str]:
        """The file ids of the image parts, in order."""
        return [
            part.image_file.file_id for part in self.content if isinstance(part, ImageFileContent)
        ]

    @classmethod
    def of_text(cls, thread_id: str, role: Literal["user", "assistant"], text: str) -> Message:
        """A one-part text message."""
        return cls(thread_id=thread_id, role=role, content=[TextContent(text=Text(value=text))])

    @classmethod
    def of_input(cls, thread_id: str, input: UserInput) -> Message:
        """A user message: text, or text and images in the order given.

        Raises:
            UserError: no parts, or a part that is neither a string nor a content part.
        """
        if isinstance(input, str):
            return cls.of_text(thread_id, "user", input)
        parts: list[TextContent | ImageFileContent | ImageURLContent] = []
        for index, part in enumerate(input):
            if isinstance(part, str):
                parts.append(TextContent(text=Text(value=part)))
            elif isinstance(part, TextContent | ImageFileContent | ImageURLContent):
                parts.append(part)
            else:
                raise UserError(
                    f"input[{index}]: a message part is a string, an ImageURLContent (for "
                    f"bytes: ImageURLContent.from_bytes) or an ImageFileContent, not "
                    f"{type(part).__name__}"
                )
        if not parts:
            raise UserError("input: a message needs at least one part")
        return cls(thread_id=thread_id, role="user", content=list(parts))
