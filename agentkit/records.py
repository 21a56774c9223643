"""Threads, messages, runs and run steps, shaped like the Assistants API objects.

The field names and values are the Assistants v2 wire format, so `agentkit serve` can send
them as they are (`wire()` drops the few agentkit-only fields).
"""

from __future__ import annotations

import base64
import json
import secrets
import time
from collections.abc import Mapping, Sequence
from typing import Annotated, Any, Literal, TypeAlias

from pydantic import BaseModel, ConfigDict, Field, field_validator

from agentkit.exceptions import UserError
from agentkit.redaction import mask_credentials

__all__ = [
    "ACTIVE_RUN_STATUSES",
    "TERMINAL_RUN_STATUSES",
    "Annotation",
    "CodeInterpreterCall",
    "CodeInterpreterImage",
    "CodeInterpreterImageOutput",
    "CodeInterpreterLogs",
    "CodeInterpreterOutput",
    "FileCitation",
    "FileCitationAnnotation",
    "FileObject",
    "FileSearchCall",
    "FileSearchRankingOptions",
    "FileSearchResult",
    "FileSearchResultContent",
    "FilePath",
    "FilePathAnnotation",
    "FunctionCall",
    "FunctionToolCall",
    "HostedCall",
    "ImageDetail",
    "ImageFile",
    "ImageFileContent",
    "ImageURL",
    "ImageURLContent",
    "IncompleteDetails",
    "LastError",
    "Message",
    "MessageContent",
    "MessageCreationDetails",
    "MessageCreationStepDetails",
    "RequiredAction",
    "Run",
    "RunStatus",
    "RunStep",
    "RunUsage",
    "SubRunLink",
    "SubmitToolApproval",
    "SubmitToolOutputs",
    "Text",
    "TextContent",
    "Thread",
    "ToolApproval",
    "ToolCallError",
    "ToolCallsStepDetails",
    "TruncationStrategy",
    "image_media_type",
    "new_file_id",
    "UserInput",
    "new_id",
    "now",
]

RunStatus: TypeAlias = Literal[
    "queued",
    "in_progress",
    "requires_action",
    "cancelling",
    "cancelled",
    "failed",
    "completed",
    "incomplete",
    "expired",
]
TERMINAL_RUN_STATUSES: frozenset[str] = frozenset(
    {"cancelled", "failed", "completed", "incomplete", "expired"}
)
ACTIVE_RUN_STATUSES: frozenset[str] = frozenset(
    {"queued", "in_progress", "requires_action", "cancelling"}
)

_ALPHABET = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
# Random bytes map onto the 62 characters (4 bytes each); bytes 248-255 map to nothing and
# are dropped, so every character stays equally likely.
_BYTE_TO_CHAR = bytes((_ALPHABET * 4).encode()) + b"." * 8


def new_id(prefix: str) -> str:
    """A fresh id in the API's style: ``prefix_`` and 24 random alphanumerics."""
    chars = b""
    while len(chars) < 24:
        chars += secrets.token_bytes(32).translate(_BYTE_TO_CHAR).replace(b".", b"")
    return f"{prefix}_{chars[:24].decode()}"


def new_file_id() -> str:
    """A fresh file id in OpenAI's style: ``file-`` and 24 random alphanumerics."""
    return "file-" + new_id("x")[2:]


def now() -> int:
    """The current time as Unix seconds, the API's timestamp unit."""
    return int(time.time())


class _Object(BaseModel):
    model_config = ConfigDict(extra="ignore", validate_assignment=False, defer_build=True)

    def wire(self) -> dict[str, Any]:
        """The object as the Assistants API would send it."""
        return self.model_dump(mode="json")


class Thread(_Object):
    """A conversation."""

    id: str = Field(default_factory=lambda: new_id("thread"))
    object: Literal["thread"] = "thread"
    created_at: int = Field(default_factory=now)
    metadata: dict[str, str] = Field(default_factory=dict)
    tool_resources: dict[str, Any] | None = None


class FilePath(_Object):
    """The file a ``file_path`` annotation points at (a file the code interpreter wrote)."""

    file_id: str


class FilePathAnnotation(_Object):
    """``sandbox:/mnt/data/...`` text in an answer that names a file the code wrote."""

    type: Literal["file_path"] = "file_path"
    text: str
    start_index: int
    end_index: int
    file_path: FilePath


class FileCitation(_Object):
    """The file a ``file_citation`` annotation cites (a file search result).

    ``quote`` is the beginning of the cited passage: the v1 API's field, which v2 dropped
    and code written for v1 (the Azure tutorial's footnotes) still reads.
    """

    file_id: str
    quote: str | None = None


class FileCitationAnnotation(_Object):
    """A citation marker in an answer (``【4:0†source】``) and the file it cites."""

    type: Literal["file_citation"] = "file_citation"
    text: str
    start_index: int
    end_index: int
    file_citation: FileCitation


Annotation = Annotated[FilePathAnnotation | FileCitationAnnotation, Field(discriminator="type")]


class Text(_Object):
    """The text of a message content part."""

    value: str
    annotations: list[Annotation] = Field(default_factory=list)


class TextContent(_Object):
    """A text content part."""

    type: Literal["text"] = "text"
    text: Text


ImageDetail: TypeAlias = Literal["auto", "low", "high"]
"""How closely the model looks at an image: ``low`` costs fewer tokens."""

# The image types the APIs accept, by their first bytes (WebP: bytes 8-11 after "RIFF").
_IMAGE_SIGNATURES = (
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
)
_IMAGE_MEDIA_TYPES = ("image/png", "image/jpeg", "image/gif", "image/webp")


class ImageURL(_Object):
    """An image by URL: ``https://…``, or the image itself as a ``data:image/…`` URL."""

    url: str
    detail: ImageDetail = "auto"


class ImageURLContent(_Object):
    """An ``image_url`` content part, as the Assistants API defines it."""

    type: Literal["image_url"] = "image_url"
    image_url: ImageURL

    @classmethod
    def from_url(cls, url: str, *, detail: ImageDetail = "auto") -> ImageURLContent:
        """An image the model fetches from ``url`` (http or https, or a ``data:image/`` URL).

        Raises:
            UserError: the URL is not one a model API accepts.
        """
        if not url.startswith(("https://", "http://", "data:image/")):
            raise UserError(
                f"ImageURLContent: url must start with https://, http:// or data:image/, "
                f"not {url[:40]!r}"
            )
        return cls(image_url=ImageURL(url=url, detail=detail))

    @classmethod
    def from_bytes(
        cls, data: bytes, *, media_type: str | None = None, detail: ImageDetail = "auto"
    ) -> ImageURLContent:
        """The image itself, sent as a ``data:`` URL (PNG, JPEG, GIF or WebP).

        Raises:
            UserError: ``data`` is empty, or its type is not given and is not recognizable.
        """
        if not data:
            raise UserError("ImageURLContent.from_bytes: the image is empty (no bytes)")
        kind = media_type or image_media_type(data)
        if kind is None:
            raise UserError(
                "ImageURLContent.from_bytes: not a PNG, JPEG, GIF or WebP image; pass "
                "media_type='image/…' if it is one"
            )
        encoded = base64.b64encode(data).decode("ascii")
        return cls(image_url=ImageURL(url=f"data:{kind};base64,{encoded}", detail=detail))


def image_media_type(data: bytes) -> str | None:
    """The media type of a PNG, JPEG, GIF or WebP image, by its first bytes; else None."""
    for signature, media_type in _IMAGE_SIGNATURES:
        if data.startswith(signature):
            return media_type
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    return None


class ImageFile(_Object):
    """An image by the id of a file (uploaded with the Files API; None: the API's ``auto``)."""

    file_id: str
    detail: ImageDetail | None = None


class ImageFileContent(_Object):
    """An ``image_file`` content part, as the Assistants API defines it."""

    type: Literal["image_file"] = "image_file"
    image_file: ImageFile

    @classmethod
    def from_file_id(cls, file_id: str, *, detail: ImageDetail = "auto") -> ImageFileContent:
        """The image stored as file ``file_id``.

        Raises:
            UserError: ``file_id`` is empty.
        """
        if not file_id.strip():
            raise UserError("ImageFileContent.from_file_id: file_id is empty")
        return cls(image_file=ImageFile(file_id=file_id, detail=detail))


MessageContent: TypeAlias = Annotated[
    TextContent | ImageFileContent | ImageURLContent, Field(discriminator="type")
]
"""A content part of a message: text, an image file, or an image URL."""

UserInput: TypeAlias = str | Sequence[str | TextContent | ImageFileContent | ImageURLContent]
"""What a user says: text, or parts in order (strings for text, and images)."""


class IncompleteDetails(_Object):
    """Why a run or message ended before it was complete."""

    reason: str


class Message(_Object):
    """A message in a thread.

    Attributes:
        run_id: the run that wrote it (assistant messages).
    """

    id: str = Field(default_factory=lambda: new_id("msg"))
    object: Literal["thread.message"] = "thread.message"
    created_at: int = Field(default_factory=now)
    thread_id: str
    role: Literal["user", "assistant"]
    content: list[MessageContent]
    assistant_id: str | None = None
    run_id: str | None = None
    attachments: list[dict[str, Any]] = Field(default_factory=list)
    metadata: dict[str, str] = Field(default_factory=dict)
    status: Literal["in_progress", "incomplete", "completed"] = "completed"
    completed_at: int | None = None
    incomplete_at: int | None = None
    incomplete_details: IncompleteDetails | None = None

    @property
    def text(self) -> str:
        """All text parts joined (image parts have no text)."""
        return "".join(part.text.value for part in self.content if isinstance(part, TextContent))

    @property
    def image_file_ids(self) -> list[str]:
        """The file ids of the image parts, in order."""
        return [
            part.image_file.file_id for part in self.content if isinstance(part, ImageFileContent)
        ]

    @classmethod
    def of_text(cls, thread_id: str, role: Literal["user", "assistant"], text: str) -> Message:
        """A one-part text message."""
        return cls(thread_id=thread_id, role=role, content=[TextContent(text=Text(value=text))])

    @classmethod
    def of_input(cls, thread_id: str, input: UserInput) -> Message:
        """A user message: text, or text and images in the order given.

        Raises:
            UserError: no parts, or a part that is neither a string nor a content part.
        """
        if isinstance(input, str):
            return cls.of_text(thread_id, "user", input)
        parts: list[TextContent | ImageFileContent | ImageURLContent] = []
        for index, part in enumerate(input):
            if isinstance(part, str):
                parts.append(TextContent(text=Text(value=part)))
            elif isinstance(part, TextContent | ImageFileContent | ImageURLContent):
                parts.append(part)
            else:
                raise UserError(
                    f"input[{index}]: a message part is a string, an ImageURLContent (for "
                    f"bytes: ImageURLContent.from_bytes) or an ImageFileContent, not "
                    f"{type(part).__name__}"
                )
        if not parts:
            raise UserError("input: a message needs at least one part")
        return cls(thread_id=thread_id, role="user", content=list(parts))


class FunctionCall(_Object):
    """The function part of a tool call: name, arguments, and the output once known."""

    name: str
    arguments: str
    output: str | None = None


class ToolCallError(_Object):
    """Why a tool call failed (agentkit-only; the model saw ``function.output``)."""

    code: str
    message: str


class ToolApproval(_Object):
    """A decision on a call waiting for approval: an item of ``tool_approvals``.

    The shape of Azure AI Foundry's classic agents (``tool_call_id``, ``approve``,
    ``headers``), plus two agentkit fields. Build one with `approved` or `denied`.

    Attributes:
        tool_call_id: the call decided.
        approve: run the call (True) or not.
        reason: for a denial, what the model is told (agentkit-only).
        arguments: for an approval, the JSON object to run the call with instead of the
            model's arguments (agentkit-only).
        headers: Foundry's headers for an approved MCP call (kept, unused by agentkit).
    """

    tool_call_id: str
    approve: bool
    reason: str | None = None
    arguments: str | None = None
    headers: dict[str, str] | None = None

    @classmethod
    def approved(
        cls, tool_call_id: str, *, arguments: Mapping[str, Any] | str | None = None
    ) -> ToolApproval:
        """Run the call, with ``arguments`` (a dict, or a JSON string) if they are edited."""
        if arguments is not None and not isinstance(arguments, str):
            arguments = json.dumps(dict(arguments))
        return cls(tool_call_id=tool_call_id, approve=True, arguments=arguments)

    @classmethod
    def denied(cls, tool_call_id: str, reason: str = "") -> ToolApproval:
        """Do not run the call; the model is told so, with ``reason``."""
        return cls(tool_call_id=tool_call_id, approve=False, reason=reason or None)


class SubRunLink(_Object):
    """The run a call of an agent used as a tool started (agentkit-only).

    Attributes:
        run_id: the sub-agent's run.
        thread_id: its thread (a new one for each call).
        assistant_id: the sub-agent.
    """

    run_id: str
    thread_id: str
    assistant_id: str


class CodeInterpreterLogs(_Object):
    """Text the code printed (stdout, stderr, results, tracebacks)."""

    type: Literal["logs"] = "logs"
    logs: str


class CodeInterpreterImage(_Object):
    """The file of an image the code drew."""

    file_id: str


class CodeInterpreterImageOutput(_Object):
    """An image the code displayed or saved, stored as a file."""

    type: Literal["image"] = "image"
    image: CodeInterpreterImage


CodeInterpreterOutput = Annotated[
    CodeInterpreterLogs | CodeInterpreterImageOutput, Field(discriminator="type")
]


class CodeInterpreterCall(_Object):
    """A ``code_interpreter`` tool call as a step shows it: the code and what it produced."""

    type: Literal["code_interpreter"] = "code_interpreter"
    input: str
    outputs: list[CodeInterpreterOutput] = Field(default_factory=list)


class FileSearchRankingOptions(_Object):
    """How a ``file_search`` call ranked its results, as its step shows it."""

    ranker: Literal["auto", "default_2024_08_21"] = "default_2024_08_21"
    score_threshold: float = 0.0


class FileSearchResultContent(_Object):
    """The text of a ``file_search`` result (shown only when a request ``include``s it)."""

    type: Literal["text"] = "text"
    text: str


_RESULT_PRIVATE = {"marker", "chunk_index", "token_start", "token_end"}


class FileSearchResult(_Object):
    """One result of a ``file_search`` call: a chunk of a file.

    Attributes:
        score: the relevance, from 0 to 1.
        marker: the citation marker the model was shown (``【0:1†paper.pdf】``); agentkit-only.
        chunk_index: the chunk's position in the file, from 0 (agentkit-only).
        token_start: the chunk's first token in the file's text (agentkit-only).
        token_end: one past the chunk's last token (agentkit-only).
    """

    file_id: str
    file_name: str
    score: float
    content: list[FileSearchResultContent] = Field(default_factory=list)
    marker: str = ""
    chunk_index: int = 0
    token_start: int = 0
    token_end: int = 0

    def wire(self) -> dict[str, Any]:
        return self.model_dump(mode="json", exclude=_RESULT_PRIVATE)


class FileSearchCall(_Object):
    """A ``file_search`` tool call as a step shows it: how it ranked and what it found.

    Attributes:
        query: what the model searched for (agentkit-only).
    """

    type: Literal["file_search"] = "file_search"
    ranking_options: FileSearchRankingOptions = Field(default_factory=FileSearchRankingOptions)
    results: list[FileSearchResult] = Field(default_factory=list)
    query: str = ""

    def wire(self) -> dict[str, Any]:
        return {
            "type": self.type,
            "ranking_options": self.ranking_options.wire(),
            "results": [result.wire() for result in self.results],
        }


HostedCall: TypeAlias = Annotated[CodeInterpreterCall | FileSearchCall, Field(discriminator="type")]
"""What a hosted tool's call shows in its step: ``code_interpreter`` or ``file_search``."""


class FunctionToolCall(_Object):
    """A tool call in a ``tool_calls`` step: the function call the model made, and its output.

    A hosted tool's call (the code interpreter) is a function call to the model too; its
    Assistants-API details are in ``hosted``, and `RunStep.wire` shows the call as the API
    does (``{"type": "code_interpreter", "code_interpreter": {...}}``).

    Attributes:
        error: set when the call failed; ``function.output`` holds what the model was told.
        duration_ms: how long the tool ran (agentkit-only).
        approval: the decision on a call that needed approval (agentkit-only).
        sub_run: the run of the agent this call ran as a tool (agentkit-only).
        hosted: a hosted tool's details of the call, or None for a function tool.
    """

    id: str
    type: Literal["function"] = "function"
    function: FunctionCall
    error: ToolCallError | None = None
    duration_ms: float | None = None
    approval: ToolApproval | None = None
    sub_run: SubRunLink | None = None
    hosted: HostedCall | None = None

    @property
    def kind(self) -> str:
        """The call's type on the wire: ``function``, or its hosted tool's."""
        return self.hosted.type if self.hosted is not None else "function"

    def wire(self) -> dict[str, Any]:
        """The call as a step shows it (agentkit-only fields dropped)."""
        if self.hosted is None:
            return self.model_dump(mode="json", exclude=set(_AGENTKIT_CALL_FIELDS))
        details = self.hosted.wire()
        del details["type"]
        return {"id": self.id, "type": self.hosted.type, self.hosted.type: details}


_AGENTKIT_CALL_FIELDS = ("error", "duration_ms", "approval", "sub_run", "hosted")


class SubmitToolOutputs(_Object):
    """The calls waiting for outputs."""

    tool_calls: list[FunctionToolCall]


class SubmitToolApproval(_Object):
    """The calls waiting for a person to approve, deny or edit them."""

    tool_calls: list[FunctionToolCall]


class RequiredAction(_Object):
    """What the caller must do for a run in ``requires_action``.

    ``submit_tool_outputs``: run these calls and submit their outputs.
    ``submit_tool_approval`` (Foundry's shape): decide these calls (`ToolApproval`), and
    agentkit runs the approved ones; ``submit_tool_outputs`` then lists no call.
    """

    type: Literal["submit_tool_outputs", "submit_tool_approval"] = "submit_tool_outputs"
    submit_tool_outputs: SubmitToolOutputs = Field(
        default_factory=lambda: SubmitToolOutputs(tool_calls=[])
    )
    submit_tool_approval: SubmitToolApproval | None = None

    @property
    def tool_calls(self) -> list[FunctionToolCall]:
        """The calls waiting, whichever the kind of action."""
        waiting = self.submit_tool_approval or self.submit_tool_outputs
        return list(waiting.tool_calls)

    def wire(self) -> dict[str, Any]:
        calls = self.tool_calls
        return {"type": self.type, self.type: {"tool_calls": [c.wire() for c in calls]}}


class LastError(_Object):
    """Why a run failed. Credentials an upstream echoed in ``message`` are masked."""

    code: str
    message: str

    @field_validator("message")
    @classmethod
    def _mask(cls, message: str) -> str:
        return mask_credentials(message)


class RunUsage(_Object):
    """Token usage in the Assistants API's field names."""

    prompt_tokens: int = 0
    completion_tokens: int = 0
    total_tokens: int = 0


class TruncationStrategy(_Object):
    """How much of the thread the model sees: everything that fits, or the last N messages."""

    type: Literal["auto", "last_messages"] = "auto"
    last_messages: int | None = None


class Run(_Object):
    """One activation of an agent on a thread."""

    id: str = Field(default_factory=lambda: new_id("run"))
    object: Literal["thread.run"] = "thread.run"
    created_at: int = Field(default_factory=now)
    thread_id: str
    assistant_id: str
    status: RunStatus = "queued"
    required_action: RequiredAction | None = None
    last_error: LastError | None = None
    expires_at: int | None = None
    started_at: int | None = None
    cancelled_at: int | None = None
    failed_at: int | None = None
    completed_at: int | None = None
    incomplete_details: IncompleteDetails | None = None
    model: str = ""
    instructions: str = ""
    tools: list[dict[str, Any]] = Field(default_factory=list)
    metadata: dict[str, str] = Field(default_factory=dict)
    usage: RunUsage | None = None
    temperature: float | None = None
    top_p: float | None = None
    max_prompt_tokens: int | None = None
    max_completion_tokens: int | None = None
    truncation_strategy: TruncationStrategy = Field(default_factory=TruncationStrategy)
    response_format: Any = "auto"
    tool_choice: Any = "auto"
    parallel_tool_calls: bool = True

    @property
    def is_terminal(self) -> bool:
        """Whether the run has ended (completed, failed, cancelled, expired, incomplete)."""
        return self.status in TERMINAL_RUN_STATUSES

    def wire(self) -> dict[str, Any]:
        data = self.model_dump(mode="json")
        if self.required_action is not None:
            data["required_action"] = self.required_action.wire()
        return data


class MessageCreation(_Object):
    """The message a ``message_creation`` step wrote."""

    message_id: str


class MessageCreationStepDetails(_Object):
    """Details of a ``message_creation`` step."""

    type: Literal["message_creation"] = "message_creation"
    message_creation: MessageCreation


MessageCreationDetails = MessageCreationStepDetails


class ToolCallsStepDetails(_Object):
    """Details of a ``tool_calls`` step."""

    type: Literal["tool_calls"] = "tool_calls"
    tool_calls: list[FunctionToolCall]


class RunStep(_Object):
    """One step of a run: the model wrote a message, or called tools."""

    id: str = Field(default_factory=lambda: new_id("step"))
    object: Literal["thread.run.step"] = "thread.run.step"
    created_at: int = Field(default_factory=now)
    run_id: str
    thread_id: str
    assistant_id: str
    type: Literal["message_creation", "tool_calls"]
    status: Literal["in_progress", "cancelled", "failed", "completed", "expired"] = "in_progress"
    step_details: MessageCreationStepDetails | ToolCallsStepDetails = Field(discriminator="type")
    last_error: LastError | None = None
    expired_at: int | None = None
    cancelled_at: int | None = None
    failed_at: int | None = None
    completed_at: int | None = None
    metadata: dict[str, str] = Field(default_factory=dict)
    usage: RunUsage | None = None

    def wire(self) -> dict[str, Any]:
        data = self.model_dump(mode="json")
        details = self.step_details
        if isinstance(details, ToolCallsStepDetails):
            data["step_details"]["tool_calls"] = [call.wire() for call in details.tool_calls]
        return data


class FileObject(_Object):
    """A stored file's metadata, as the Files API shows it (the bytes are kept apart).

    Attributes:
        bytes: the size of the content.
        filename: the name it was uploaded with (metadata only: never a path on disk).
        purpose: ``assistants``, ``assistants_output`` (written by the code interpreter),
            ``user_data``, ...
    """

    id: str = Field(default_factory=new_file_id)
    object: Literal["file"] = "file"
    bytes: int
    created_at: int = Field(default_factory=now)
    filename: str
    purpose: str
    status: Literal["uploaded", "processed", "error"] = "processed"
    expires_at: int | None = None
    status_details: str | None = None
