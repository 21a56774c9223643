"""The parts of a message: text with its annotations, and images (by URL or file)."""

from __future__ import annotations

import base64
from collections.abc import Sequence
from typing import Annotated, Literal, TypeAlias

from pydantic import Field

from agentkit.exceptions import UserError
from agentkit.records.base import (
    ApiObject,
)

__all__ = [
    "Annotation",
    "FileCitation",
    "FileCitationAnnotation",
    "FilePath",
    "FilePathAnnotation",
    "ImageDetail",
    "ImageFile",
    "ImageFileContent",
    "ImageURL",
    "ImageURLContent",
    "MessageContent",
    "Text",
    "TextContent",
    "UserInput",
    "image_media_type",
]


class FilePath(ApiObject):
    """The file a ``file_path`` annotation points at (a file the code interpreter wrote)."""

    file_id: str


class FilePathAnnotation(ApiObject):
    """``sandbox:/mnt/data/...`` text in an answer that names a file the code wrote."""

    type: Literal["file_path"] = "file_path"
    text: str
    start_index: int
    end_index: int
    file_path: FilePath


class FileCitation(ApiObject):
    """The file a ``file_citation`` annotation cites (a file search result).

    ``quote`` is the beginning of the cited passage: the v1 API's field, which v2 dropped
    and code written for v1 (the Azure tutorial's footnotes) still reads.
    """

    file_id: str
    quote: str | None = None


class FileCitationAnnotation(ApiObject):
    """A citation marker in an answer (``【4:0†source】``) and the file it cites."""

    type: Literal["file_citation"] = "file_citation"
    text: str
    start_index: int
    end_index: int
    file_citation: FileCitation


Annotation = Annotated[FilePathAnnotation | FileCitationAnnotation, Field(discriminator="type")]


class Text(ApiObject):
    """The text of a message content part."""

    value: str
    annotations: list[Annotation] = Field(default_factory=list)


class TextContent(ApiObject):
    """A text content part."""

    type: Literal["text"] = "text"
    text: Text


ImageDetail: TypeAlias = Literal["auto", "low", "high"]
"""How closely the model looks at an image: ``low`` costs fewer tokens."""

# The image types the APIs accept, by their first bytes (WebP: bytes 8-11 after "RIFF").
_IMAGE_SIGNATURES = (
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
)
_IMAGE_MEDIA_TYPES = ("image/png", "image/jpeg", "image/gif", "image/webp")


class ImageURL(ApiObject):
    """An image by URL: ``https://…``, or the image itself as a ``data:image/…`` URL."""

    url: str
    detail: ImageDetail = "auto"


class ImageURLContent(ApiObject):
    """An ``image_url`` content part, as the Assistants API defines it."""

    type: Literal["image_url"] = "image_url"
    image_url: ImageURL

    @classmethod
    def from_url(cls, url: str, *, detail: ImageDetail = "auto") -> ImageURLContent:
        """An image the model fetches from ``url`` (http or https, or a ``data:image/`` URL).

        Raises:
            UserError: the URL is not one a model API accepts.
        """
        if not url.startswith(("https://", "http://", "data:image/")):
            raise UserError(
                f"ImageURLContent: url must start with https://, http:// or data:image/, "
                f"not {url[:40]!r}"
            )
        return cls(image_url=ImageURL(url=url, detail=detail))

    @classmethod
    def from_bytes(
        cls, data: bytes, *, media_type: str | None = None, detail: ImageDetail = "auto"
    ) -> ImageURLContent:
        """The image itself, sent as a ``data:`` URL (PNG, JPEG, GIF or WebP).

        Raises:
            UserError: ``data`` is empty, or its type is not given and is not recognizable.
        """
        if not data:
            raise UserError("ImageURLContent.from_bytes: the image is empty (no bytes)")
        kind = media_type or image_media_type(data)
        if kind is None:
            raise UserError(
                "ImageURLContent.from_bytes: not a PNG, JPEG, GIF or WebP image; pass "
                "media_type='image/…' if it is one"
            )
        encoded = base64.b64encode(data).decode("ascii")
        return cls(image_url=ImageURL(url=f"data:{kind};base64,{encoded}", detail=detail))


def image_media_type(data: bytes) -> str | None:
    """The media type of a PNG, JPEG, GIF or WebP image, by its first bytes; else None."""
    for signature, media_type in _IMAGE_SIGNATURES:
        if data.startswith(signature):
            return media_type
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    return None


class ImageFile(ApiObject):
    """An image by the id of a file (uploaded with the Files API; None: the API's ``auto``)."""

    file_id: str
    detail: ImageDetail | None = None


class ImageFileContent(ApiObject):
    """An ``image_file`` content part, as the Assistants API defines it."""

    type: Literal["image_file"] = "image_file"
    image_file: ImageFile

    @classmethod
    def from_file_id(cls, file_id: str, *, detail: ImageDetail = "auto") -> ImageFileContent:
        """The image stored as file ``file_id``.

        Raises:
            UserError: ``file_id`` is empty.
        """
        if not file_id.strip():
            raise UserError("ImageFileContent.from_file_id: file_id is empty")
        return cls(image_file=ImageFile(file_id=file_id, detail=detail))


MessageContent: TypeAlias = Annotated[
    TextContent | ImageFileContent | ImageURLContent, Field(discriminator="type")
]
"""A content part of a message: text, an image file, or an image URL."""

UserInput: TypeAlias = str | Sequence[str | TextContent | ImageFileContent | ImageURLContent]
"""What a user says: text, or parts in order (strings for text, and images)."""
