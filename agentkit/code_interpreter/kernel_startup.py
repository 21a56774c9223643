"""Runs inside each kernel at startup (copied into the sandbox; the host never imports it).

It bounds what one cell can print before it leaves the kernel: of ``AGENTKIT_OUTPUT_CHARS``
characters per stream, the first half is sent as it comes and the last half when the cell
ends, with a marker for what was dropped between, so printing 100 MB does not send 100 MB
of messages. Code can undo this (it is its own process); the host bounds what it receives
regardless.

It runs in the user's namespace, so it defines one name and deletes it.
"""


def _agentkit_bound_streams() -> None:
    import os
    import sys
    from collections.abc import Callable
    from typing import Any

    class StreamBound:
        def __init__(self, write: Callable[[str], Any], limit: int) -> None:
            self._write = write
            self._head_room = limit // 2
            self._tail_limit = limit - self._head_room
            self.reset()

        def reset(self, *_: object) -> None:
            self._left, self._tail, self._dropped = self._head_room, "", 0

        def write(self, text: str) -> int:
            size = len(text)
            if self._left > 0:
                self._write(text[: self._left])
                text = text[self._left :]
                self._left -= size - len(text)
            if len(text) >= self._tail_limit:
                self._dropped += len(self._tail) + len(text) - self._tail_limit
                self._tail = text[-self._tail_limit :]
            elif text:
                kept = self._tail + text
                self._dropped += max(len(kept) - self._tail_limit, 0)
                self._tail = kept[-self._tail_limit :]
            return size

        def finish(self, *_: object) -> None:
            if self._dropped:
                self._write(f"\n[... {self._dropped} characters truncated ...]\n")
            if self._tail:
                self._write(self._tail)
            self.reset()

    limit = int(os.environ.get("AGENTKIT_OUTPUT_CHARS", "32000"))
    shell: Any = get_ipython()  # type: ignore[name-defined]  # noqa: F821 - IPython's builtin
    for stream in (sys.stdout, sys.stderr):
        bound = StreamBound(stream.write, limit)
        stream.write = bound.write  # type: ignore[method-assign]
        shell.events.register("pre_run_cell", bound.reset)
        shell.events.register("post_run_cell", bound.finish)


_agentkit_bound_streams()
del _agentkit_bound_streams
