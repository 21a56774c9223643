"""Show a retried stream's text once: each attempt replays the answer from its start.

A model call that broke mid-stream is retried from the beginning, so the new attempt streams
again the text the user has already seen. `TextReplayFilter` forwards only what is new:

- while an attempt reproduces the text already shown, nothing is forwarded;
- once it goes past that text, only the part beyond it is forwarded;
- if it *diverges* from the text already shown (a sampled model rarely repeats itself word for
  word), it forwards nothing more for that call. What was shown cannot be taken back, and
  appending a different continuation would garble it. The complete, authoritative answer is
  the stored message (`MessageCompletedEvent`), which always holds the successful attempt's
  text; `diverged` says it happened.
"""

from __future__ import annotations

from collections.abc import Callable

__all__ = ["TextReplayFilter"]


class TextReplayFilter:
    """Wraps a model call's ``on_text`` so that text streamed by several attempts shows once.

    Args:
        forward: the call's original ``on_text``.
    """

    def __init__(self, forward: Callable[[str], None]) -> None:
        self._forward = forward
        self._shown: list[str] = []
        self._shown_len = 0
        self._diverged = False

    @property
    def shown(self) -> str:
        """The text forwarded so far, over every attempt."""
        return "".join(self._shown)

    @property
    def diverged(self) -> bool:
        """Whether an attempt's text differed from the text already shown."""
        return self._diverged

    def attempt(self) -> Callable[[str], None]:
        """A fresh ``on_text`` for the next attempt (which streams from the start again)."""
        received: list[str] = []
        received_len = 0
        matched = True

        def on_text(delta: str) -> None:
            nonlocal received_len, matched
            start = received_len
            received.append(delta)
            received_len += len(delta)
            if not matched or self._diverged:
                return
            overlap_end = min(received_len, self._shown_len)
            if start < overlap_end:
                shown = self.shown
                if delta[: overlap_end - start] != shown[start:overlap_end]:
                    matched = False
                    self._diverged = True
                    return
            if received_len > self._shown_len:
                self._emit(delta[max(self._shown_len - start, 0) :])

        return on_text

    def _emit(self, text: str) -> None:
        self._shown.append(text)
        self._shown_len += len(text)
        self._forward(text)
