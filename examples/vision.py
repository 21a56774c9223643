"""Images in user messages: one by URL, one as bytes, then a follow-up on the same thread.

Offline by default: a scripted model stands in and says what reached it (how many images,
sent how), so this runs anywhere. Set ``OPENAI_API_KEY`` (or ``OPENAI_BASE_URL``, or
``AZURE_OPENAI_ENDPOINT``) to ask a real model, ``gpt-5.1`` by name, instead.

Run it: ``python examples/vision.py``.
"""

from __future__ import annotations

import asyncio
import os
import struct
import zlib

from agentkit import Agent
from agentkit.models import InputImage, ModelRequest, UserMessageItem
from agentkit.records import ImageURLContent
from agentkit.testing import FunctionInfo, FunctionModel, TurnResult, text

PICTURE_URL = "https://upload.wikimedia.org/wikipedia/commons/a/a9/Example.jpg"


def red_square(size: int = 8) -> bytes:
    """A small red PNG, made here so the example needs no file."""
    row = b"\x00" + b"\xff\x00\x00" * size  # filter byte, then RGB pixels
    header = struct.pack(">IIBBBBB", size, size, 8, 2, 0, 0, 0)

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    chunks = chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(row * size))
    return b"\x89PNG\r\n\x1a\n" + chunks + chunk(b"IEND", b"")


def offline_eyes(request: ModelRequest, info: FunctionInfo) -> TurnResult:
    """Say what the model received: every image of the conversation, and how it came."""
    images = [
        part
        for item in request.items
        if isinstance(item, UserMessageItem)
        for part in item.parts
        if isinstance(part, InputImage)
    ]
    ways = ["inline bytes" if (i.url or "").startswith("data:") else "a URL" for i in images]
    return text(f"I can see {len(images)} images ({', '.join(ways)}).")


def choose_model() -> str | FunctionModel:
    configured = any(
        os.environ.get(name)
        for name in ("OPENAI_API_KEY", "OPENAI_BASE_URL", "AZURE_OPENAI_ENDPOINT")
    )
    return "gpt-5.1" if configured else FunctionModel(offline_eyes)


async def main() -> None:
    agent = Agent(name="Eyes", instructions="Describe images briefly.", model=choose_model())
    first = await agent.run(
        [
            "What do these two pictures show?",
            ImageURLContent.from_url(PICTURE_URL, detail="low"),
            ImageURLContent.from_bytes(red_square()),
        ]
    )
    print(f"assistant: {first.output_text}")
    again = await agent.run("Which one is red?", thread=first.thread_id)
    print(f"assistant: {again.output_text}")


if __name__ == "__main__":
    asyncio.run(main())
