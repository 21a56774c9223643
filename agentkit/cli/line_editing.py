"""Line editing and a history kept between sessions for the chat prompt, with GNU readline.

Importing the standard library's `readline` gives `input` cursor keys, Emacs-style editing
and Ctrl-R search; the history is read from and written to one file per user. Where Python
was built without readline (Windows), the prompt stays a plain `input`.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from pathlib import Path

__all__ = ["history_path", "line_editing"]

HISTORY_LENGTH = 1000


def history_path() -> Path:
    """``$XDG_STATE_HOME/agentkit/chat_history`` (by default under ``~/.local/state``)."""
    state = os.environ.get("XDG_STATE_HOME") or str(Path.home() / ".local" / "state")
    return Path(state) / "agentkit" / "chat_history"


@contextlib.contextmanager
def line_editing(path: Path) -> Iterator[None]:
    """Edit lines read by `input` with readline, with the history in ``path``, while active."""
    try:
        import readline
    except ImportError:  # pragma: no cover - Python without readline (Windows)
        yield
        return
    readline.clear_history()
    with contextlib.suppress(FileNotFoundError, OSError):
        readline.read_history_file(path)
    readline.set_history_length(HISTORY_LENGTH)
    try:
        yield
    finally:
        # A history that cannot be saved (read-only home) is not worth failing the chat for.
        with contextlib.suppress(OSError):
            path.parent.mkdir(parents=True, exist_ok=True)
            readline.write_history_file(path)
