"""Images given by file id: where their bytes come from, and turning them into ``data:`` URLs.

A user message may show an image by the id of a file (an ``image_file`` content part). The
model APIs cannot read agentkit's own files, so before the model call the id is replaced by
the image itself, as a ``data:`` URL that both adapters send (`ImageFilesMiddleware` does this
for every model call of a run). Anything that can read a file's bytes and media type serves
as the source: agentkit's file store, or your own.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass, replace
from typing import Protocol, runtime_checkable

from agentkit.exceptions import ModelError, NotFoundError
from agentkit.models.request import InputImage, ModelItem, ModelRequest, UserMessageItem

__all__ = ["ImageData", "ImageFileSource", "resolve_image_files"]


@dataclass(frozen=True, slots=True)
class ImageData:
    """An image's bytes and media type (``image/png``, ``image/jpeg``...)."""

    data: bytes
    media_type: str

    def data_url(self) -> str:
        """The image as a ``data:`` URL."""
        return f"data:{self.media_type};base64,{base64.b64encode(self.data).decode('ascii')}"


@runtime_checkable
class ImageFileSource(Protocol):
    """Reads the image stored under a file id."""

    async def read_image(self, file_id: str) -> ImageData:
        """The image stored as ``file_id``.

        Raises:
            NotFoundError: there is no file with that id.
        """
        ...


async def resolve_image_files(request: ModelRequest, files: ImageFileSource) -> ModelRequest:
    """``request`` with every image given by file id replaced by the image as a data URL.

    Raises:
        ModelError: (code ``invalid_image``) a file does not exist or is not an image; the
            run fails naming it.
    """
    if not any(_file_ids(item) for item in request.items):
        return request
    read: dict[str, str] = {}
    items: list[ModelItem] = []
    for item in request.items:
        if isinstance(item, UserMessageItem) and _file_ids(item):
            parts = [await _resolved(part, files, read) for part in item.parts]
            item = replace(item, parts=tuple(parts))
        items.append(item)
    return replace(request, items=tuple(items))


def _file_ids(item: ModelItem) -> list[str]:
    if not isinstance(item, UserMessageItem):
        return []
    return [p.file_id for p in item.parts if isinstance(p, InputImage) and p.file_id]


async def _resolved(
    part: str | InputImage, files: ImageFileSource, read: dict[str, str]
) -> str | InputImage:
    if isinstance(part, str) or part.file_id is None:
        return part
    file_id = part.file_id
    if file_id not in read:
        try:
            image = await files.read_image(file_id)
        except NotFoundError:
            raise ModelError(
                f"the message shows image file {file_id!r}, and there is no such file",
                code="invalid_image",
            ) from None
        if not image.media_type.startswith("image/"):
            raise ModelError(
                f"file {file_id!r} is {image.media_type}, not an image (PNG, JPEG, GIF, WebP)",
                code="invalid_image",
            )
        read[file_id] = image.data_url()
    return InputImage(url=read[file_id], detail=part.detail)
