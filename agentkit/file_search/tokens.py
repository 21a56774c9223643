"""Count and split text in OpenAI's tokens, offline (``bpe-openai`` ships the tables).

``bpe-openai`` matches tiktoken's token ids but refuses more than 1,000,000 characters or
200,000 tokens per call, so long texts are encoded in segments cut at whitespace, so the ids
match what one call over the whole text would give except, rarely, around a cut.
"""

from __future__ import annotations

import threading
import warnings
from array import array
from collections.abc import Iterable
from functools import lru_cache
from typing import Protocol, cast

from agentkit.file_search.errors import IngestError

__all__ = [
    "MAX_FILE_TOKENS",
    "Tokenizer",
    "encoding",
]

MAX_FILE_TOKENS = 5_000_000
"""The API's limit on tokens in one vector store file."""

# 50,000 characters stay under 200,000 tokens even when every character is 4 UTF-8 bytes.
_SEGMENT_CHARS = 50_000


class _Encoding(Protocol):
    def encode_ordinary(self, text: str) -> list[int]: ...

    def decode_bytes(self, tokens: Iterable[int]) -> bytes: ...


_loading = threading.Lock()


@lru_cache(maxsize=4)
def encoding(name: str) -> _Encoding:
    """The ``bpe-openai`` encoding called ``name``, loaded once per process."""
    with _loading, warnings.catch_warnings():
        # bpe-openai 0.1.4 reads its tables with a deprecated importlib call, on import.
        warnings.simplefilter("ignore", DeprecationWarning)
        try:
            import bpe_openai  # type: ignore[import-untyped]
        except ImportError as exc:  # pragma: no cover - installed by agentkit[file-search]
            raise ImportError(
                "file search needs its extra: pip install 'agentkit[file-search]'"
            ) from exc
        return cast(_Encoding, bpe_openai.get_encoding(name))


class Tokenizer:
    """Encodes text of any length into token ids and decodes windows of them back.

    Args:
        encoding_name: ``o200k_base`` (GPT-4o and later, the default) or ``cl100k_base``.
        max_tokens: a text with more tokens fails with `IngestError` as soon as the count
            passes it, before the rest is read.
    """

    def __init__(
        self, encoding_name: str = "o200k_base", *, max_tokens: int = MAX_FILE_TOKENS
    ) -> None:
        self.encoding_name = encoding_name
        self.max_tokens = max_tokens
        self._encoding = encoding(encoding_name)

    def count(self, text: str) -> int:
        """How many tokens ``text`` has."""
        return sum(len(self._encoding.encode_ordinary(part)) for part in _segments(text))

    def encode(self, pieces: Iterable[str]) -> array[int]:
        """The token ids of the concatenated ``pieces``, as a compact array.

        Raises:
            IngestError: the text has more than ``max_tokens`` tokens (``invalid_file``).
        """
        ids: array[int] = array("I")
        carry = ""
        for piece in pieces:
            carry += piece
            cut = _last_whitespace(carry)
            if cut <= 0:
                continue
            self._extend(ids, carry[:cut])
            carry = carry[cut:]
        self._extend(ids, carry)
        return ids

    def decode(self, ids: Iterable[int]) -> str:
        """The text of ``ids``; a character cut in half at either end is dropped."""
        return self._encoding.decode_bytes(ids).decode("utf-8", errors="ignore")

    def _extend(self, ids: array[int], text: str) -> None:
        for part in _segments(text):
            ids.extend(self._encoding.encode_ordinary(part))
            if len(ids) > self.max_tokens:
                raise IngestError(
                    f"The file has more than {self.max_tokens:,} tokens, the limit for one "
                    "vector store file; split it into smaller files."
                )


def _last_whitespace(text: str) -> int:
    """Where to cut ``text`` so the rest can still grow: 0 while it is short."""
    return _cut(text, len(text)) if len(text) >= _SEGMENT_CHARS else 0


def _cut(text: str, end: int) -> int:
    """A cut at or before ``end``: before the last space in the 1,000 characters before.

    OpenAI's encodings attach a space to the word after it, so a cut before a space splits
    no token that one call over the whole text would have made.
    """
    last = max(text.rfind(space, max(1, end - 1000), end) for space in " \n\t\r")
    return last if last > 0 else end


def _segments(text: str) -> Iterable[str]:
    """``text`` in pieces of at most ``_SEGMENT_CHARS`` characters, cut after whitespace."""
    start = 0
    while len(text) - start > _SEGMENT_CHARS:
        cut = _cut(text, start + _SEGMENT_CHARS)
        yield text[start:cut]
        start = cut
    if start < len(text):
        yield text[start:]
