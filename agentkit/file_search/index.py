"""The index behind file search: one small interface, so another database is an adapter.

A `SearchIndex` holds one vector store's chunks. Ingestion writes a file in three steps,
so a crash never leaves half a file searchable and a retry is always safe:

    begin_file(file)            -> attempt       the file's earlier unfinished chunks are dropped
    add_chunks(file_id, attempt, chunks) -> bool False once the file was deleted or re-begun
    commit_file(file_id, attempt)                the chunks become searchable, replacing older ones

Search is two retrievers and a lookup; `agentkit.file_search.search` ranks and fuses:

    lexical(text, filters, limit)    full-text (BM25) matches, best first
    nearest(vector, filters, limit)  cosine neighbours among chunks that have vectors
    hits(scored)                     the chunks' text, file and position, in the given order

Scores from both retrievers are in [0, 1], higher is better.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from agentkit.file_search.attributes import AttributeValue

__all__ = [
    "Chunk",
    "FileStats",
    "IndexedFile",
    "Scored",
    "SearchHit",
    "SearchIndex",
    "VectorSpace",
]


@dataclass(frozen=True, slots=True)
class IndexedFile:
    """A file as the index knows it: its id, name and attributes (for filters)."""

    file_id: str
    filename: str
    attributes: Mapping[str, AttributeValue] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Chunk:
    """One chunk of a file: its text, where its tokens lie in the file, and its vector."""

    index: int
    token_start: int
    token_end: int
    text: str
    vector: Sequence[float] | None = None


@dataclass(frozen=True, slots=True)
class FileStats:
    """What a committed file holds: its chunks and the bytes they take in the index."""

    chunk_count: int
    usage_bytes: int


@dataclass(frozen=True, slots=True)
class VectorSpace:
    """The embedding model and size the index's vectors come from."""

    model: str
    dimensions: int


@dataclass(frozen=True, slots=True)
class Scored:
    """A chunk a retriever found, with its score in [0, 1]."""

    chunk_id: int
    score: float


@dataclass(frozen=True, slots=True)
class SearchHit:
    """One search result: a chunk of a file, and where it sits in the file.

    Attributes:
        chunk_id: the chunk's id in this index.
        file_id: the file's id (``file-...``).
        filename: the file's name.
        score: the relevance in [0, 1] (see the file search docs for what it means).
        text: the chunk's text.
        chunk_index: the chunk's position among the file's chunks, from 0.
        token_start: the chunk's first token in the file's text.
        token_end: one past the chunk's last token.
        attributes: the file's attributes.
    """

    chunk_id: int
    file_id: str
    filename: str
    score: float
    text: str
    chunk_index: int
    token_start: int
    token_end: int
    attributes: Mapping[str, AttributeValue] = field(default_factory=dict)

    def to_api(self) -> dict[str, Any]:
        """The result as the vector store search endpoint returns it."""
        return {
            "file_id": self.file_id,
            "filename": self.filename,
            "score": self.score,
            "attributes": dict(self.attributes),
            "content": [{"type": "text", "text": self.text}],
        }


class SearchIndex(Protocol):
    """One vector store's chunks, searchable (see the module docstring for the protocol)."""

    async def begin_file(self, file: IndexedFile) -> int: ...

    async def add_chunks(self, file_id: str, attempt: int, chunks: Sequence[Chunk]) -> bool: ...

    async def commit_file(self, file_id: str, attempt: int) -> FileStats: ...

    async def delete_file(self, file_id: str) -> bool: ...

    async def set_attributes(
        self, file_id: str, attributes: Mapping[str, AttributeValue]
    ) -> bool: ...

    async def vector_space(self) -> VectorSpace | None: ...

    async def set_vector_space(self, space: VectorSpace) -> None: ...

    async def lexical(
        self, text: str, filters: Mapping[str, Any] | None, limit: int
    ) -> list[Scored]: ...

    async def nearest(
        self, vector: Sequence[float], filters: Mapping[str, Any] | None, limit: int
    ) -> list[Scored]: ...

    async def hits(self, scored: Sequence[Scored]) -> list[SearchHit]: ...

    async def drop(self) -> None: ...

    async def close(self) -> None: ...
