"""What the model sees of a ``file_search`` call: each result under its citation marker.

A result's marker is ``【{search}:{index}†{filename}】``: ``search`` numbers the run's
``file_search`` calls (0, 1, ...; parallel calls each take their own), ``index`` the
result within the call (best first). The model is asked to copy a marker after what the
result supports; wherever the answer contains one, it becomes a ``file_citation``
annotation (`agentkit.runs.hosted.annotate`), as the Assistants API's ``【4:0†source】`` did.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from agentkit.file_search.index import SearchHit
from agentkit.records import FileSearchResult, FileSearchResultContent

__all__ = ["marker", "next_search_number", "output_text", "quote", "results_of"]

QUOTE_CHARS = 300
"""The longest ``quote`` a ``file_citation`` carries: a footnote, not the whole chunk."""

_STATE_KEY = "file_search"


def next_search_number(state: dict[str, Any]) -> int:
    """Take the next search number of the run (kept in its ``ctx.state``, saved with it)."""
    counters = state.setdefault(_STATE_KEY, {})
    number = int(counters.get("searches", 0))
    counters["searches"] = number + 1
    return number


def marker(search: int, index: int, filename: str) -> str:
    """The citation marker of a result (brackets in the name would end it early: replaced)."""
    name = filename.replace("【", "(").replace("】", ")").replace("†", "+")
    return f"【{search}:{index}†{name}】"


def quote(result: FileSearchResult) -> str:
    """The beginning of a result's passage, cut at a word, whitespace collapsed."""
    text = " ".join((result.content[0].text if result.content else "").split())
    if len(text) <= QUOTE_CHARS:
        return text
    cut = text[:QUOTE_CHARS].rsplit(" ", 1)[0] or text[:QUOTE_CHARS]
    return cut + "…"


def results_of(search: int, hits: Sequence[SearchHit]) -> list[FileSearchResult]:
    """The step's record of each hit, with its marker, chunk and place in the file."""
    return [
        FileSearchResult(
            file_id=hit.file_id,
            file_name=hit.filename,
            score=min(1.0, max(0.0, hit.score)),
            content=[FileSearchResultContent(text=hit.text)],
            marker=marker(search, index, hit.filename),
            chunk_index=hit.chunk_index,
            token_start=hit.token_start,
            token_end=hit.token_end,
        )
        for index, hit in enumerate(hits)
    ]


def output_text(query: str, results: Sequence[FileSearchResult], notes: Sequence[str]) -> str:
    """The call's output for the model: the results under their markers, then any notes."""
    lines: list[str] = []
    if results:
        example = results[0].marker
        lines.append(
            f"File search found {len(results)} passage(s) for {query!r}, best first. "
            f"When you use a passage, cite it by writing its marker (such as {example}) "
            "right after the statement it supports."
        )
        for result in results:
            text = result.content[0].text if result.content else ""
            lines += ["", result.marker, text.strip()]
    else:
        lines.append(f"File search found nothing for {query!r} in the files.")
    if notes:
        lines += ["", *(f"Note: {note}" for note in notes)]
    return "\n".join(lines)
