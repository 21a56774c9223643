"""An MCP tool result as the model reads it: text, and the images it may see.

Each content block becomes text, in order, one block a line:

- text as it is;
- an image becomes ``[image N: image/png, 5120 bytes]``, and the image itself is attached
  to the call (`agentkit.tools.images`) while the images of the call stay within
  ``max_image_bytes``; past that, ``[... not sent: over the N-byte limit for images]``;
- audio becomes ``[audio: audio/wav, N bytes, not sent to the model]``;
- an embedded text resource becomes ``[resource URI]`` and its text; an embedded image
  resource is an image; other binary resources are described, not sent;
- a resource link becomes ``[resource link: NAME <URI>: DESCRIPTION]``.

Structured content is sent as compact JSON when the result has no text (servers are asked
to repeat it as text, so it is not sent twice). A result with nothing becomes
``(no output)``.
"""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass, field

import mcp_types

__all__ = ["ReadResult", "read_result"]


@dataclass
class ReadResult:
    """What a result says, for the model.

    Attributes:
        text: every block as text, one a line.
        images: ``data:`` URLs of the images to attach.
    """

    text: str
    images: list[str] = field(default_factory=list)


@dataclass
class _Reader:
    max_image_bytes: int
    lines: list[str] = field(default_factory=list)
    images: list[str] = field(default_factory=list)
    image_count: int = 0
    image_bytes: int = 0

    def block(self, block: mcp_types.ContentBlock) -> None:
        match block:
            case mcp_types.TextContent(text=text):
                self.lines.append(text)
            case mcp_types.ImageContent(data=data, mime_type=mime):
                self.image(data, mime, "")
            case mcp_types.AudioContent(data=data, mime_type=mime):
                self.lines.append(f"[audio: {mime}, {_size(data)} bytes, not sent to the model]")
            case mcp_types.ResourceLink():
                described = f": {block.description}" if block.description else ""
                self.lines.append(f"[resource link: {block.name} <{block.uri}>{described}]")
            case mcp_types.EmbeddedResource(resource=resource):
                self.resource(resource)

    def resource(
        self, resource: mcp_types.TextResourceContents | mcp_types.BlobResourceContents
    ) -> None:
        if isinstance(resource, mcp_types.TextResourceContents):
            self.lines.append(f"[resource {resource.uri}]\n{resource.text}")
            return
        mime = resource.mime_type or "application/octet-stream"
        if mime.startswith("image/"):
            self.image(resource.blob, mime, f" from {resource.uri}")
        else:
            self.lines.append(
                f"[resource {resource.uri}: {mime}, {_size(resource.blob)} bytes of binary "
                "data, not sent to the model]"
            )

    def image(self, data: str, mime: str, origin: str) -> None:
        self.image_count += 1
        size = _size(data)
        label = f"[image {self.image_count}{origin}: {mime}, {size} bytes"
        if not _is_base64(data):
            self.lines.append(f"{label}, not sent: its data is not valid base64]")
        elif self.image_bytes + size > self.max_image_bytes:
            self.lines.append(
                f"{label}, not sent: over the {self.max_image_bytes}-byte limit for images]"
            )
        else:
            self.image_bytes += size
            self.images.append(f"data:{mime};base64,{data}")
            self.lines.append(f"{label}]")


def read_result(result: mcp_types.CallToolResult, *, max_image_bytes: int) -> ReadResult:
    """The text and images of ``result`` (errors included: the caller checks ``is_error``)."""
    reader = _Reader(max_image_bytes)
    for block in result.content:
        reader.block(block)
    has_text = any(isinstance(b, mcp_types.TextContent) for b in result.content)
    if result.structured_content is not None and not has_text:
        reader.lines.append(
            json.dumps(result.structured_content, separators=(",", ":"), ensure_ascii=False)
        )
    text = "\n".join(reader.lines) if reader.lines else "(no output)"
    return ReadResult(text, reader.images)


def _size(data: str) -> int:
    """Decoded bytes of a base64 string, without decoding it."""
    return len(data) * 3 // 4 - data[-2:].count("=")


def _is_base64(data: str) -> bool:
    try:
        base64.b64decode(data, validate=True)
    except (binascii.Error, ValueError):
        return False
    return True
