"""The citations of a run's answer: each ``file_citation`` annotation with what it cites.

An annotation says where its marker is in the message and which file it cites; the
``file_search`` call that showed the marker to the model says which chunk of the file it
was (its text and its place in the file's tokens).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from agentkit.records import (
    FileCitationAnnotation,
    FileSearchCall,
    FileSearchResult,
    Message,
    RunStep,
    TextContent,
    ToolCallsStepDetails,
)

__all__ = ["Citation", "citations_of"]


@dataclass(frozen=True, slots=True)
class Citation:
    """A passage of a file that an answer cites.

    Attributes:
        message_id: the answer.
        text: the marker in the answer (``【0:1†report.pdf】``).
        start_index: where the marker starts in the answer's text.
        end_index: where it ends.
        file_id: the cited file.
        filename: its name ("" if the search that found it is not among the run's steps).
        quote: the cited chunk's text.
        chunk_index: the chunk's position in the file, from 0 (-1 if unknown).
        token_start: the chunk's first token in the file's text (-1 if unknown).
        token_end: one past its last token (-1 if unknown).
    """

    message_id: str
    text: str
    start_index: int
    end_index: int
    file_id: str
    filename: str = ""
    quote: str = ""
    chunk_index: int = -1
    token_start: int = -1
    token_end: int = -1


def citations_of(messages: Sequence[Message], steps: Sequence[RunStep]) -> list[Citation]:
    """Every ``file_citation`` in ``messages``, in order, joined with the result it cites."""
    found = _results_by_marker(steps)
    citations: list[Citation] = []
    for message in messages:
        for part in message.content:
            if not isinstance(part, TextContent):
                continue
            for annotation in part.text.annotations:
                if isinstance(annotation, FileCitationAnnotation):
                    citations.append(_citation(message.id, annotation, found.get(annotation.text)))
    return citations


def _results_by_marker(steps: Sequence[RunStep]) -> dict[str, FileSearchResult]:
    found: dict[str, FileSearchResult] = {}
    for step in steps:
        if not isinstance(step.step_details, ToolCallsStepDetails):
            continue
        for call in step.step_details.tool_calls:
            if isinstance(call.hosted, FileSearchCall):
                found.update((result.marker, result) for result in call.hosted.results)
    return found


def _citation(
    message_id: str, annotation: FileCitationAnnotation, result: FileSearchResult | None
) -> Citation:
    base = Citation(
        message_id,
        annotation.text,
        annotation.start_index,
        annotation.end_index,
        annotation.file_citation.file_id,
    )
    if result is None:
        return base
    return Citation(
        base.message_id,
        base.text,
        base.start_index,
        base.end_index,
        base.file_id,
        filename=result.file_name,
        quote=result.content[0].text if result.content else "",
        chunk_index=result.chunk_index,
        token_start=result.token_start,
        token_end=result.token_end,
    )
