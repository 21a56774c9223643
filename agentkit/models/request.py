"""The one frozen request a model adapter receives, and the conversation items inside it."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal, TypeAlias

from agentkit.tools.definition import ToolDefinition
from agentkit.tools.output_type import OutputFormat

__all__ = [
    "AllowedTools",
    "AssistantMessageItem",
    "InputImage",
    "ModelItem",
    "ModelRequest",
    "ModelSettings",
    "NamedToolChoice",
    "StreamMode",
    "ToolCallItem",
    "ToolChoice",
    "ToolOutputItem",
    "UserMessageItem",
    "streams",
]


@dataclass(frozen=True, slots=True)
class InputImage:
    """An image in a user message, for models that accept images.

    Attributes:
        url: where the model reads it: an ``https://`` URL or a ``data:image/…`` URL.
        file_id: instead of ``url``, the id of a file. agentkit's own files are turned into
            ``data:`` URLs before the model call (`ImageFilesMiddleware`); an id that
            reaches an adapter names a file of the model API itself (OpenAI's Files API),
            which only the Responses API accepts.
        detail: ``auto``, ``low`` (fewer tokens) or ``high``.
    """

    url: str | None = None
    file_id: str | None = None
    detail: Literal["auto", "low", "high"] = "auto"


@dataclass(frozen=True, slots=True)
class UserMessageItem:
    """A user message in the conversation.

    Attributes:
        text: all of its text (adapters for text-only models read only this).
        parts: when the message has images, all its parts in order: strings for text,
            `InputImage` for images; empty for a text-only message.
    """

    text: str
    parts: tuple[str | InputImage, ...] = ()
    kind: Literal["user"] = "user"


@dataclass(frozen=True, slots=True)
class AssistantMessageItem:
    """A text answer the model gave earlier.

    Attributes:
        response_id: the id of the API response that produced it, when the API has one.
    """

    text: str
    response_id: str | None = None
    kind: Literal["assistant"] = "assistant"


@dataclass(frozen=True, slots=True)
class ToolCallItem:
    """A function call the model made earlier.

    Attributes:
        call_id: the id the output must be matched by.
        arguments: the JSON arguments string exactly as the model produced it.
        response_id: the id of the API response that produced it, when the API has one.
    """

    call_id: str
    name: str
    arguments: str
    response_id: str | None = None
    kind: Literal["tool_call"] = "tool_call"


@dataclass(frozen=True, slots=True)
class ToolOutputItem:
    """The output sent back for a function call.

    Attributes:
        images: image URLs (``https://`` or ``data:``) the tool attached to its output
            (`agentkit.tools.images`); adapters whose API takes images in tool outputs send
            them after the text, the others send the text only.
    """

    call_id: str
    output: str
    images: tuple[str, ...] = ()
    kind: Literal["tool_output"] = "tool_output"

    def __post_init__(self) -> None:
        if type(self.images) is not tuple:  # read back from JSON as a list
            object.__setattr__(self, "images", tuple(self.images))


ModelItem: TypeAlias = UserMessageItem | AssistantMessageItem | ToolCallItem | ToolOutputItem


@dataclass(frozen=True, slots=True)
class NamedToolChoice:
    """Force the model to call this one tool."""

    name: str
    kind: Literal["named"] = "named"


@dataclass(frozen=True, slots=True)
class AllowedTools:
    """Restrict this turn to a subset of the tools, calling one (required) or maybe (auto)."""

    names: tuple[str, ...]
    mode: Literal["auto", "required"] = "auto"
    kind: Literal["allowed"] = "allowed"


ToolChoice: TypeAlias = Literal["auto", "none", "required"] | NamedToolChoice | AllowedTools
"""The canonical tool choice; each adapter translates it to its wire format."""


@dataclass(frozen=True, slots=True)
class ModelSettings:
    """Sampling and output settings, passed through to the API when set.

    Attributes:
        extra_body: extra JSON fields merged into the request body, for server-specific options.
    """

    temperature: float | None = None
    top_p: float | None = None
    max_output_tokens: int | None = None
    reasoning_effort: str | None = None
    extra_body: dict[str, Any] = field(default_factory=dict)

    def merged(self, other: ModelSettings | None) -> ModelSettings:
        """These settings overridden by every field ``other`` sets."""
        if other is None:
            return self
        return ModelSettings(
            temperature=other.temperature if other.temperature is not None else self.temperature,
            top_p=other.top_p if other.top_p is not None else self.top_p,
            max_output_tokens=other.max_output_tokens
            if other.max_output_tokens is not None
            else self.max_output_tokens,
            reasoning_effort=other.reasoning_effort or self.reasoning_effort,
            extra_body={**self.extra_body, **other.extra_body},
        )


@dataclass(frozen=True, slots=True)
class ModelRequest:
    """Everything one model call needs. New fields are added here, never as parameters.

    Attributes:
        instructions: the system prompt.
        items: the conversation so far, oldest first.
        tools: the function tools offered this turn.
        tool_choice: the canonical tool choice for this turn.
        parallel_tool_calls: whether the model may call several tools in one turn (None: the
            server's default).
        settings: sampling and output settings.
        run_id: the agentkit run this call belongs to (for logs and metadata).
        turn: the 1-based index of this model call within the run.
        output: the format a final answer must have (structured output), or None for text.
        live: whether the run's events are read as they come; when nobody reads them (the
            caller waits for the result), an adapter left at ``stream="auto"`` makes one
            plain request instead of streaming.
    """

    instructions: str | None
    items: tuple[ModelItem, ...]
    tools: tuple[ToolDefinition, ...] = ()
    tool_choice: ToolChoice = "auto"
    parallel_tool_calls: bool | None = None
    settings: ModelSettings = field(default_factory=ModelSettings)
    run_id: str = ""
    turn: int = 1
    output: OutputFormat | None = None
    live: bool = True


StreamMode: TypeAlias = bool | Literal["auto"]
"""An adapter's ``stream`` option: always, never, or ``"auto"`` (when the run is read live)."""


def streams(mode: StreamMode, request: ModelRequest) -> bool:
    """Whether an adapter with ``stream=mode`` streams the response to ``request``."""
    return request.live if mode == "auto" else mode
