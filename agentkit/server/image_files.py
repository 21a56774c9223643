"""``image_file`` parts in new messages: each must name one of the project's files."""

from __future__ import annotations

from collections.abc import Iterable

from agentkit.exceptions import NotFoundError
from agentkit.files import Files
from agentkit.server.errors import APIError
from agentkit.server.schemas import CreateMessageRequest, ImageFilePart

__all__ = ["check_image_files", "numbered"]


async def check_image_files(
    files: Files, messages: Iterable[tuple[str, CreateMessageRequest]]
) -> None:
    """A 400 naming the field when an ``image_file`` part names no file of this project.

    Args:
        files: the project's files.
        messages: each message with the path of its field (``""``, ``"messages[0]."``...).
    """
    for where, message in messages:
        if isinstance(message.content, str):
            continue
        for index, part in enumerate(message.content):
            if not isinstance(part, ImageFilePart):
                continue
            try:
                await files.get(part.image_file.file_id)
            except NotFoundError:
                param = f"{where}content[{index}].image_file.file_id"
                raise APIError(
                    400,
                    f"No file found with id '{part.image_file.file_id}'.",
                    param=param,
                    code="invalid_value",
                ) from None


def numbered(
    field: str, messages: list[CreateMessageRequest] | None
) -> list[tuple[str, CreateMessageRequest]]:
    """``messages`` with the path of each (``field[0].``...), for `check_image_files`."""
    return [(f"{field}[{index}].", message) for index, message in enumerate(messages or [])]
