"""What every Assistants request body shares: strict validation, metadata, chunking."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

__all__ = ["ChunkingStrategyParam", "Metadata", "StaticChunkingParam", "StrictBody"]


def _check_metadata(value: dict[str, str]) -> dict[str, str]:
    if len(value) > 16:
        raise ValueError("at most 16 key-value pairs are allowed")
    for key, item in value.items():
        if len(key) > 64 or len(item) > 512:
            raise ValueError("keys are at most 64 characters and values at most 512")
    return value


Metadata = Annotated[dict[str, str], AfterValidator(_check_metadata)]


class StrictBody(BaseModel):
    """A request body or part: unknown fields are errors, values are not coerced."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


class StaticChunkingParam(StrictBody):
    """``chunking_strategy.static``."""

    max_chunk_size_tokens: int = Field(ge=100, le=4096)
    chunk_overlap_tokens: int = Field(ge=0)


class ChunkingStrategyParam(StrictBody):
    """``{"type": "auto"}`` or ``{"type": "static", "static": {...}}``."""

    type: Literal["auto", "static"]
    static: StaticChunkingParam | None = None
