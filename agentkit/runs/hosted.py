"""The hosted-tool seam of the loop: calls recorded in their own shape, content for the message.

A `HostedTool`'s call is a function call like any other in the loop. Three things differ,
all here:

- `pending_record`: when the step opens, the call carries the tool's ``pending`` record
  (`FunctionToolCall.hosted`), so the step shows ``{"type": "code_interpreter", ...}``;
- `run_hosted` (called by the innermost tool handler): runs it, keeps the `HostedResult` by
  call id for the step, and emits a `HostedCallEvent` (the stream's outputs delta);
- `with_hosted_result`: when the outcome is written into the step, the call gets the result's
  record, and its content and markers wait in `MessageParts` for the next assistant message.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from pydantic import TypeAdapter

from agentkit.context import RunContext
from agentkit.events import HostedCallEvent
from agentkit.records import (
    Annotation,
    FileCitation,
    FileCitationAnnotation,
    FilePath,
    FilePathAnnotation,
    FunctionToolCall,
    ImageFileContent,
    Text,
)
from agentkit.tools.hosted import HostedResult, HostedTool, TextMarker

__all__ = [
    "HostedResults",
    "MessageParts",
    "annotate",
    "pending_record",
    "with_hosted_result",
    "run_hosted",
]

HostedResults = dict[str, HostedResult]
"""Results of the hosted calls of the current turn, by call id, until the step records them."""


@cache
def _target() -> TypeAdapter[FilePath | FileCitation]:
    """Built at first use: a TypeAdapter costs milliseconds at import, and most runs have none."""
    return TypeAdapter(FilePath | FileCitation)


def pending_record(tool: object, call: FunctionToolCall) -> FunctionToolCall:
    """``call`` as the step shows it when it opens: with the hosted tool's pending record."""
    if not isinstance(tool, HostedTool):
        return call
    return call.model_copy(update={"hosted": tool.pending(call.function.arguments)})


async def run_hosted(
    tool: HostedTool, arguments: str, ctx: RunContext[Any], results: HostedResults | None
) -> str:
    """Run a hosted call; keep its result for the step; return the model's output.

    Raises:
        ToolError: the call failed (the result, with what it produced, is kept first).
    """
    result = await tool.run(arguments, ctx)
    if ctx.call_id is not None:
        if results is not None:
            results[ctx.call_id] = result
        ctx.emit(HostedCallEvent(ctx.call_id, result.call))
    if result.error is not None:
        raise result.error
    return result.output


@dataclass
class MessageParts:
    """What hosted calls produced for the run's next assistant message (saved with the run)."""

    content: list[ImageFileContent] = field(default_factory=list)
    markers: list[TextMarker] = field(default_factory=list)

    def add(self, result: HostedResult) -> None:
        """Keep a call's content and markers for the next message."""
        self.content.extend(result.content)
        self.markers.extend(result.markers)

    def take(self) -> tuple[list[ImageFileContent], list[TextMarker]]:
        """The parts, handed over once (the next message has them)."""
        taken = (self.content, self.markers)
        self.content, self.markers = [], []
        return taken

    def to_json(self) -> dict[str, Any]:
        """The parts as JSON values."""
        return {
            "content": [part.model_dump(mode="json") for part in self.content],
            "markers": [
                {"text": m.text, "target": m.target.model_dump(mode="json")} for m in self.markers
            ],
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> MessageParts:
        """The inverse of `to_json`."""
        return cls(
            [ImageFileContent.model_validate(part) for part in data.get("content", [])],
            [
                TextMarker(entry["text"], _target().validate_python(entry["target"]))
                for entry in data.get("markers", [])
            ],
        )


def with_hosted_result(
    call: FunctionToolCall, result: HostedResult | None, parts: MessageParts
) -> FunctionToolCall:
    """``call`` with its hosted result recorded; the result's content goes to ``parts``."""
    if result is None:
        return call
    parts.add(result)
    return call.model_copy(update={"hosted": result.call})


def annotate(text: str, markers: list[TextMarker]) -> Text:
    """``text`` with an annotation at each occurrence of each marker's text, in text order."""
    found: list[Annotation] = []
    for marker in markers:
        for match in re.finditer(re.escape(marker.text), text):
            start, end = match.span()
            target = marker.target
            if isinstance(target, FilePath):
                found.append(
                    FilePathAnnotation(
                        text=marker.text, start_index=start, end_index=end, file_path=target
                    )
                )
            else:
                found.append(
                    FileCitationAnnotation(
                        text=marker.text, start_index=start, end_index=end, file_citation=target
                    )
                )
    found.sort(key=lambda annotation: annotation.start_index)
    return Text(value=text, annotations=found)
