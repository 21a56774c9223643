"""What a model adapter streams back: text, tool calls, and how the response ended."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, TypeAlias

from agentkit.usage import Usage

__all__ = [
    "FinishReason",
    "ModelResponseDone",
    "ModelStreamEvent",
    "ModelTextDelta",
    "ModelToolCall",
]

FinishReason: TypeAlias = Literal["stop", "tool_calls", "length", "content_filter"]


@dataclass(frozen=True, slots=True)
class ModelTextDelta:
    """A piece of the answer text, as it arrives."""

    text: str
    kind: Literal["text_delta"] = "text_delta"


@dataclass(frozen=True, slots=True)
class ModelToolCall:
    """One complete function call.

    Attributes:
        call_id: the id to answer with; adapters synthesize one if the server sent none.
        arguments: the JSON arguments string as the model produced it (possibly invalid).
    """

    call_id: str
    name: str
    arguments: str
    kind: Literal["tool_call"] = "tool_call"


@dataclass(frozen=True, slots=True)
class ModelResponseDone:
    """The last event of every successful model call.

    Attributes:
        response_id: the API's id for the response, if it has one.
        finish_reason: why the model stopped.
        usage: tokens used by this call.
        incomplete_reason: set when the API cut the answer short (``max_output_tokens``,
            ``content_filter``, ...).
    """

    response_id: str | None
    finish_reason: FinishReason
    usage: Usage
    incomplete_reason: str | None = None
    kind: Literal["done"] = "done"


ModelStreamEvent: TypeAlias = ModelTextDelta | ModelToolCall | ModelResponseDone
