"""Request bodies of ``/v1/vector_stores``, validated strictly (unknown fields are errors).

Field names follow the OpenAI OpenAPI spec (``CreateVectorStoreRequest``,
``CreateVectorStoreFileRequest``, ``CreateVectorStoreFileBatchRequest``,
``VectorStoreSearchRequest``...). What the library checks anyway (chunk sizes, attribute
limits, filters) is checked there, with messages naming the field.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

__all__ = [
    "CreateFileBatchRequest",
    "CreateVectorStoreFileRequest",
    "CreateVectorStoreRequest",
    "ModifyVectorStoreRequest",
    "SearchVectorStoreRequest",
    "UpdateVectorStoreFileRequest",
]


def _check_metadata(value: dict[str, str]) -> dict[str, str]:
    if len(value) > 16:
        raise ValueError("at most 16 key-value pairs are allowed")
    for key, item in value.items():
        if len(key) > 64 or len(item) > 512:
            raise ValueError("keys are at most 64 characters and values at most 512")
    return value


Metadata = Annotated[dict[str, str], AfterValidator(_check_metadata)]
Attributes = dict[str, str | bool | int | float]
FileId = Annotated[str, Field(min_length=1, max_length=256)]


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


class StaticChunkingParam(_Body):
    """``chunking_strategy.static``."""

    max_chunk_size_tokens: int = Field(ge=100, le=4096)
    chunk_overlap_tokens: int = Field(ge=0)


class ChunkingStrategyParam(_Body):
    """``{"type": "auto"}`` or ``{"type": "static", "static": {...}}``."""

    type: Literal["auto", "static"]
    static: StaticChunkingParam | None = None


class ExpiresAfterParam(_Body):
    """``expires_after``: days after the store was last active."""

    anchor: Literal["last_active_at"]
    days: int = Field(ge=1, le=365)


class CreateVectorStoreRequest(_Body):
    """``POST /vector_stores``."""

    name: str | None = Field(default=None, max_length=256)
    description: str | None = Field(default=None, max_length=512)
    file_ids: list[FileId] | None = Field(default=None, max_length=500)
    chunking_strategy: ChunkingStrategyParam | None = None
    expires_after: ExpiresAfterParam | None = None
    metadata: Metadata | None = None


class ModifyVectorStoreRequest(_Body):
    """``POST /vector_stores/{id}``; only the fields given change (null expiry: removed)."""

    name: str | None = Field(default=None, max_length=256)
    expires_after: ExpiresAfterParam | None = None
    metadata: Metadata | None = None


class RankingOptionsParam(_Body):
    """The search endpoint's ``ranking_options``."""

    ranker: Literal["auto", "default-2024-11-15", "none"] | None = None
    score_threshold: float | None = Field(default=None, ge=0, le=1)


class SearchVectorStoreRequest(_Body):
    """``POST /vector_stores/{id}/search`` (``filters`` are checked by the search)."""

    query: str | list[str]
    filters: dict[str, Any] | None = None
    max_num_results: int | None = Field(default=None, ge=1, le=50)
    ranking_options: RankingOptionsParam | None = None
    rewrite_query: bool | None = None


class CreateVectorStoreFileRequest(_Body):
    """``POST /vector_stores/{id}/files``."""

    file_id: FileId
    attributes: Attributes | None = None
    chunking_strategy: ChunkingStrategyParam | None = None


class UpdateVectorStoreFileRequest(_Body):
    """``POST /vector_stores/{id}/files/{file_id}``: new attributes."""

    attributes: Attributes | None


class BatchFileParam(_Body):
    """An item of a batch's ``files``: a file with its own attributes and chunking."""

    file_id: FileId
    attributes: Attributes | None = None
    chunking_strategy: ChunkingStrategyParam | None = None


class CreateFileBatchRequest(_Body):
    """``POST /vector_stores/{id}/file_batches``: ``file_ids`` or ``files``."""

    file_ids: list[FileId] | None = Field(default=None, max_length=2000)
    files: list[BatchFileParam] | None = Field(default=None, max_length=2000)
    attributes: Attributes | None = None
    chunking_strategy: ChunkingStrategyParam | None = None
