"""Turning a kernel's IOPub messages into bounded logs and images."""

from __future__ import annotations

import base64
import binascii
import collections
import re
from datetime import datetime
from typing import Any

__all__ = ["LogBuffer", "OutputCollector"]

_ANSI_ESCAPE = re.compile(r"\x1b\[[0-9;?]*[ -/]*[@-~]")


class LogBuffer:
    """Keeps the first and the last characters of a text of any length, and counts the rest.

    Memory stays within ``limit`` characters however much is written; `text` marks the cut
    with ``[... N characters truncated ...]``.
    """

    def __init__(self, limit: int) -> None:
        self._head_limit = limit // 2
        self._tail_limit = limit - self._head_limit
        self._head: list[str] = []
        self._head_size = 0
        self._tail: collections.deque[str] = collections.deque()
        self._tail_size = 0
        self.dropped = 0

    def write(self, text: str) -> None:
        """Append ``text``."""
        room = self._head_limit - self._head_size
        if room > 0:
            self._head.append(text[:room])
            self._head_size += min(room, len(text))
            text = text[room:]
        if not text:
            return
        if len(text) >= self._tail_limit:
            self.dropped += self._tail_size + len(text) - self._tail_limit
            self._tail = collections.deque([text[-self._tail_limit :]])
            self._tail_size = self._tail_limit
            return
        self._tail.append(text)
        self._tail_size += len(text)
        while self._tail_size > self._tail_limit:
            excess = self._tail_size - self._tail_limit
            first = self._tail[0]
            cut = min(excess, len(first))
            self._tail[0] = first[cut:]
            if not self._tail[0]:
                self._tail.popleft()
            self._tail_size -= cut
            self.dropped += cut

    def text(self) -> str:
        """The kept text, ANSI colour codes removed, with a marker where text was dropped."""
        head = _ANSI_ESCAPE.sub("", "".join(self._head))
        tail = _ANSI_ESCAPE.sub("", "".join(self._tail))
        if not self.dropped:
            return head + tail
        return f"{head}\n[... {self.dropped} characters truncated ...]\n{tail}"


class OutputCollector:
    """Collects one execution's IOPub messages (those whose parent is that execution).

    Attributes:
        logs: stdout, stderr, result texts and tracebacks, in arrival order.
        images: PNG bytes of displayed images, at most ``max_images``.
        error_name: the exception class name from an ``error`` message.
        error_value: its message.
        idle: the kernel reported it is idle again (all output has been sent).
    """

    def __init__(self, *, output_chars: int, max_images: int) -> None:
        self.logs = LogBuffer(output_chars)
        self.images: list[bytes] = []
        self.images_dropped = 0
        self.error_name: str | None = None
        self.error_value = ""
        self.idle = False
        self._max_images = max_images
        self._busy_at: datetime | None = None
        self._idle_at: datetime | None = None

    @property
    def kernel_seconds(self) -> float | None:
        """The kernel's own busy-to-idle time, from its message timestamps."""
        if self._busy_at is None or self._idle_at is None:
            return None
        return (self._idle_at - self._busy_at).total_seconds()

    def add(self, message: dict[str, Any]) -> None:
        """Take one IOPub message."""
        kind, content = message["msg_type"], message["content"]
        if kind == "status":
            self._status(content.get("execution_state"), message["header"].get("date"))
        elif kind == "stream":
            self.logs.write(str(content.get("text", "")))
        elif kind in ("execute_result", "display_data", "update_display_data"):
            self._display(content.get("data") or {})
        elif kind == "error":
            self.error_name = str(content.get("ename", "Error"))
            self.error_value = str(content.get("evalue", ""))
            self.logs.write("\n".join(str(line) for line in content.get("traceback", [])) + "\n")

    def _status(self, state: object, date: object) -> None:
        stamp = date if isinstance(date, datetime) else None
        if state == "busy":
            self._busy_at = stamp
        elif state == "idle":
            self._idle_at = stamp
            self.idle = True

    def _display(self, data: dict[str, Any]) -> None:
        png = data.get("image/png")
        if isinstance(png, str):
            if len(self.images) >= self._max_images:
                self.images_dropped += 1
                return
            try:
                self.images.append(base64.b64decode(png, validate=False))
                return
            except (binascii.Error, ValueError):
                pass
        text = data.get("text/plain")
        if isinstance(text, str):
            self.logs.write(text + "\n")

    def finish_notes(self) -> None:
        """Add notes about what was not kept (call once, after the last message)."""
        if self.images_dropped:
            self.logs.write(
                f"[{self.images_dropped} more images were displayed; "
                f"only the first {self._max_images} are kept]\n"
            )
