"""The API's chunking strategies, validated, and the token windows they cut.

``{"type": "auto"}`` is ``static`` with 800-token chunks overlapping by 400. ``static`` takes
``max_chunk_size_tokens`` (100 to 4096) and ``chunk_overlap_tokens`` (0 to half the chunk
size). A vector store file records the resolved strategy, always in its ``static`` form.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from agentkit.exceptions import UserError

__all__ = ["ChunkWindow", "ChunkingStrategy"]

_MIN_CHUNK, _MAX_CHUNK = 100, 4096


@dataclass(frozen=True, slots=True)
class ChunkWindow:
    """One chunk's place in the file's tokens: ``tokens[start:end]``, the ``index``-th chunk."""

    index: int
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class ChunkingStrategy:
    """A validated static chunking strategy (``auto`` resolves to 800 / 400).

    Attributes:
        max_chunk_size_tokens: the most tokens in one chunk.
        chunk_overlap_tokens: how many tokens each chunk repeats from the one before.
    """

    max_chunk_size_tokens: int = 800
    chunk_overlap_tokens: int = 400

    def __post_init__(self) -> None:
        size, overlap = self.max_chunk_size_tokens, self.chunk_overlap_tokens
        if not _is_int(size) or not _MIN_CHUNK <= size <= _MAX_CHUNK:
            raise UserError(
                f"chunking_strategy.static.max_chunk_size_tokens must be an integer from "
                f"{_MIN_CHUNK} to {_MAX_CHUNK}, not {size!r}."
            )
        if not _is_int(overlap) or not 0 <= overlap <= size // 2:
            raise UserError(
                "chunking_strategy.static.chunk_overlap_tokens must be an integer from 0 to "
                f"half of max_chunk_size_tokens ({size // 2}), not {overlap!r}."
            )

    @classmethod
    def parse(cls, value: Mapping[str, Any] | None) -> ChunkingStrategy:
        """The strategy a request's ``chunking_strategy`` asks for (``None`` means ``auto``).

        Raises:
            UserError: the value is not ``{"type": "auto"}`` or a valid ``static`` strategy.
        """
        if value is None:
            return cls()
        if not isinstance(value, Mapping):
            raise UserError(f"chunking_strategy must be an object, not {value!r}.")
        kind = value.get("type")
        if kind == "auto":
            return cls()
        if kind != "static":
            raise UserError(f"chunking_strategy.type must be 'auto' or 'static', not {kind!r}.")
        static = value.get("static")
        if not isinstance(static, Mapping):
            raise UserError("chunking_strategy.static is required when type is 'static'.")
        missing = {"max_chunk_size_tokens", "chunk_overlap_tokens"} - set(static)
        if missing:
            raise UserError(f"chunking_strategy.static is missing {', '.join(sorted(missing))}.")
        return cls(static["max_chunk_size_tokens"], static["chunk_overlap_tokens"])

    def to_api(self) -> dict[str, Any]:
        """The strategy as a vector store file reports it."""
        return {
            "type": "static",
            "static": {
                "max_chunk_size_tokens": self.max_chunk_size_tokens,
                "chunk_overlap_tokens": self.chunk_overlap_tokens,
            },
        }

    def windows(self, token_count: int) -> Iterator[ChunkWindow]:
        """The chunks of a text of ``token_count`` tokens; the last one ends at the end."""
        step = self.max_chunk_size_tokens - self.chunk_overlap_tokens
        start, index = 0, 0
        while start < token_count:
            end = min(start + self.max_chunk_size_tokens, token_count)
            yield ChunkWindow(index, start, end)
            if end == token_count:
                return
            start, index = start + step, index + 1


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)
