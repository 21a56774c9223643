"""Cursor paging in the Assistants API's style (``order``, ``after``, ``before``, ``limit``)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Literal, TypeVar

__all__ = ["page"]

T = TypeVar("T")


def page(
    items: Sequence[T],
    *,
    key: Callable[[T], str],
    order: Literal["asc", "desc"] = "asc",
    after: str | None = None,
    before: str | None = None,
    limit: int | None = None,
) -> list[T]:
    """The slice of ``items`` (given oldest first) that the cursor parameters select.

    ``after`` and ``before`` are ids and are read in the requested order: with ``desc``,
    ``after=X`` means "older than X". An unknown cursor id selects nothing past it.
    """
    ordered = list(items) if order == "asc" else list(reversed(items))
    ids = [key(item) for item in ordered]
    start, stop = 0, len(ordered)
    if after is not None:
        start = ids.index(after) + 1 if after in ids else len(ordered)
    if before is not None:
        stop = ids.index(before) if before in ids else 0
    selected = ordered[start:stop] if start < stop else []
    return selected if limit is None else selected[:limit]
