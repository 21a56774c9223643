"""Request bodies of ``/v1/vector_stores``, validated strictly (unknown fields are errors).

Field names follow the OpenAI OpenAPI spec (``CreateVectorStoreRequest``,
``CreateVectorStoreFileRequest``, ``CreateVectorStoreFileBatchRequest``,
``VectorStoreSearchRequest``...). What the library checks anyway (chunk sizes, attribute
limits, filters) is checked there, with messages naming the field.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import Field

from agentkit.server.body_fields import ChunkingStrategyParam, Metadata, StrictBody

__all__ = [
    "CreateFileBatchRequest",
    "CreateVectorStoreFileRequest",
    "CreateVectorStoreRequest",
    "ModifyVectorStoreRequest",
    "SearchVectorStoreRequest",
    "UpdateVectorStoreFileRequest",
]


Attributes = dict[str, str | bool | int | float]
FileId = Annotated[str, Field(min_length=1, max_length=256)]


class ExpiresAfterParam(StrictBody):
    """``expires_after``: days after the store was last active."""

    anchor: Literal["last_active_at"]
    days: int = Field(ge=1, le=365)


class CreateVectorStoreRequest(StrictBody):
    """``POST /vector_stores``."""

    name: str | None = Field(default=None, max_length=256)
    description: str | None = Field(default=None, max_length=512)
    file_ids: list[FileId] | None = Field(default=None, max_length=500)
    chunking_strategy: ChunkingStrategyParam | None = None
    expires_after: ExpiresAfterParam | None = None
    metadata: Metadata | None = None


class ModifyVectorStoreRequest(StrictBody):
    """``POST /vector_stores/{id}``; only the fields given change (null expiry: removed)."""

    name: str | None = Field(default=None, max_length=256)
    expires_after: ExpiresAfterParam | None = None
    metadata: Metadata | None = None


class RankingOptionsParam(StrictBody):
    """The search endpoint's ``ranking_options``."""

    ranker: Literal["auto", "default-2024-11-15", "none"] | None = None
    score_threshold: float | None = Field(default=None, ge=0, le=1)


class SearchVectorStoreRequest(StrictBody):
    """``POST /vector_stores/{id}/search`` (``filters`` are checked by the search)."""

    query: str | list[str]
    filters: dict[str, Any] | None = None
    max_num_results: int | None = Field(default=None, ge=1, le=50)
    ranking_options: RankingOptionsParam | None = None
    rewrite_query: bool | None = None


class CreateVectorStoreFileRequest(StrictBody):
    """``POST /vector_stores/{id}/files``."""

    file_id: FileId
    attributes: Attributes | None = None
    chunking_strategy: ChunkingStrategyParam | None = None


class UpdateVectorStoreFileRequest(StrictBody):
    """``POST /vector_stores/{id}/files/{file_id}``: new attributes."""

    attributes: Attributes | None


class BatchFileParam(StrictBody):
    """An item of a batch's ``files``: a file with its own attributes and chunking."""

    file_id: FileId
    attributes: Attributes | None = None
    chunking_strategy: ChunkingStrategyParam | None = None


class CreateFileBatchRequest(StrictBody):
    """``POST /vector_stores/{id}/file_batches``: ``file_ids`` or ``files``."""

    file_ids: list[FileId] | None = Field(default=None, max_length=2000)
    files: list[BatchFileParam] | None = Field(default=None, max_length=2000)
    attributes: Attributes | None = None
    chunking_strategy: ChunkingStrategyParam | None = None
