"""Parse a Server-Sent Events body into ``(event, data)`` pairs."""

from __future__ import annotations

import json
from typing import Any


def parse_sse(body: str) -> list[tuple[str, Any]]:
    frames: list[tuple[str, Any]] = []
    for block in body.strip().split("\n\n"):
        fields = dict(line.split(": ", 1) for line in block.splitlines())
        data = fields["data"]
        frames.append((fields["event"], data if data == "[DONE]" else json.loads(data)))
    return frames
