"""Request bodies of the Assistants v2 API, validated strictly (unknown fields are errors).

The fields that configure an assistant or a run (tools, tool resources, response format)
are in `agentkit.server.setting_schemas`; what every body shares in
`agentkit.server.body_fields`.

Field names, types and bounds follow the OpenAI OpenAPI spec's request schemas
(``CreateAssistantRequest``, ``CreateRunRequest``, ...). Validation failures become OpenAI-style
400s naming the parameter; see `agentkit.server.body`.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import AfterValidator, Field

from agentkit.server.body_fields import Metadata, StrictBody
from agentkit.server.setting_schemas import (
    NewToolResources,
    ResponseFormat,
    ToolChoiceParam,
    ToolParam,
    ToolResources,
    TruncationParam,
)

__all__ = [
    "Attachment",
    "ContentPart",
    "CreateAssistantRequest",
    "CreateMessageRequest",
    "CreateRunRequest",
    "CreateThreadAndRunRequest",
    "CreateThreadRequest",
    "ImageFilePart",
    "ImageURLPart",
    "ModifyAssistantRequest",
    "ModifyMessageRequest",
    "ModifyRunRequest",
    "ModifyThreadRequest",
    "RunOptions",
    "SubmitToolOutputsRequest",
    "TextPart",
    "ToolApprovalParam",
    "ToolOutput",
]


class TextPart(StrictBody):
    """A text content part of a new message."""

    type: Literal["text"]
    text: str


def _check_image_url(url: str) -> str:
    if not url.startswith(("https://", "http://", "data:image/")):
        raise ValueError("expected an http(s) URL or a data:image/ URL")
    return url


class ImageURLParam(StrictBody):
    """``image_url``: where the image is, and how closely the model looks."""

    url: Annotated[str, AfterValidator(_check_image_url)] = Field(max_length=1_048_576)
    detail: Literal["auto", "low", "high"] = "auto"


class ImageURLPart(StrictBody):
    """An image, by URL, in a new message."""

    type: Literal["image_url"]
    image_url: ImageURLParam


class ImageFileParam(StrictBody):
    """``image_file``: the id of an uploaded image, and how closely the model looks."""

    file_id: str = Field(min_length=1, max_length=256)
    detail: Literal["auto", "low", "high"] = "auto"


class ImageFilePart(StrictBody):
    """An image, by file id, in a new message."""

    type: Literal["image_file"]
    image_file: ImageFileParam


ContentPart = Annotated[TextPart | ImageURLPart | ImageFilePart, Field(discriminator="type")]


class AttachmentTool(StrictBody):
    """A tool an attached file is for."""

    type: Literal["code_interpreter", "file_search"]


class Attachment(StrictBody):
    """``attachments[]`` of a message: a file and the tools that get it."""

    file_id: str = Field(min_length=1, max_length=256)
    tools: list[AttachmentTool] = Field(default_factory=list, max_length=2)


class CreateMessageRequest(StrictBody):
    """``POST /threads/{thread_id}/messages`` (also the items of ``thread.messages``)."""

    role: Literal["user", "assistant"]
    # The list first: a bad part is then reported by its own path (content[1].image_url.url).
    content: list[ContentPart] | str = Field(min_length=1)
    attachments: list[Attachment] | None = Field(default=None, max_length=20)
    metadata: Metadata | None = None

    @property
    def text(self) -> str:
        """The text of the content, as one string (images left out)."""
        if isinstance(self.content, str):
            return self.content
        return "".join(part.text for part in self.content if isinstance(part, TextPart))


class CreateThreadRequest(StrictBody):
    """``POST /threads``."""

    messages: list[CreateMessageRequest] | None = Field(default=None, max_length=1000)
    tool_resources: NewToolResources | None = None
    metadata: Metadata | None = None


class ModifyThreadRequest(StrictBody):
    """``POST /threads/{thread_id}``."""

    tool_resources: ToolResources | None = None
    metadata: Metadata | None = None


class ModifyMessageRequest(StrictBody):
    """``POST /threads/{thread_id}/messages/{message_id}``."""

    metadata: Metadata | None = None


class ModifyRunRequest(StrictBody):
    """``POST /threads/{thread_id}/runs/{run_id}``."""

    metadata: Metadata | None = None


Temperature = Annotated[float, Field(ge=0, le=2)]
TopP = Annotated[float, Field(ge=0, le=1)]
TokenLimit = Annotated[int, Field(ge=256, le=2**31)]


class _AssistantFields(StrictBody):
    name: str | None = Field(default=None, max_length=256)
    description: str | None = Field(default=None, max_length=512)
    instructions: str | None = Field(default=None, max_length=256_000)
    reasoning_effort: Literal["none", "minimal", "low", "medium", "high", "xhigh"] | None = None
    tools: list[ToolParam] | None = Field(default=None, max_length=128)
    metadata: Metadata | None = None
    temperature: Temperature | None = None
    top_p: TopP | None = None
    response_format: ResponseFormat | None = None


class CreateAssistantRequest(_AssistantFields):
    """``POST /assistants``."""

    model: str = Field(min_length=1, max_length=256)
    tool_resources: NewToolResources | None = None


class ModifyAssistantRequest(_AssistantFields):
    """``POST /assistants/{assistant_id}``; only the fields given change."""

    model: str | None = Field(default=None, min_length=1, max_length=256)
    tool_resources: ToolResources | None = None


class RunOptions(StrictBody):
    """The per-run overrides shared by create-run and create-thread-and-run."""

    assistant_id: str = Field(min_length=1, max_length=256)
    model: str | None = Field(default=None, min_length=1, max_length=256)
    instructions: str | None = Field(default=None, max_length=256_000)
    tools: list[ToolParam] | None = Field(default=None, max_length=20)
    metadata: Metadata | None = None
    temperature: Temperature | None = None
    top_p: TopP | None = None
    stream: bool | None = None
    max_prompt_tokens: TokenLimit | None = None
    max_completion_tokens: TokenLimit | None = None
    truncation_strategy: TruncationParam | None = None
    tool_choice: ToolChoiceParam | None = None
    parallel_tool_calls: bool | None = None
    response_format: ResponseFormat | None = None


class CreateRunRequest(RunOptions):
    """``POST /threads/{thread_id}/runs``."""

    reasoning_effort: Literal["none", "minimal", "low", "medium", "high", "xhigh"] | None = None
    additional_instructions: str | None = Field(default=None, max_length=256_000)
    additional_messages: list[CreateMessageRequest] | None = Field(default=None, max_length=100)


class CreateThreadAndRunRequest(RunOptions):
    """``POST /threads/runs``."""

    thread: CreateThreadRequest | None = None
    tool_resources: ToolResources | None = None


class ToolOutput(StrictBody):
    """One output in ``submit_tool_outputs``."""

    tool_call_id: str
    output: str = ""


class ToolApprovalParam(StrictBody):
    """One decision in ``tool_approvals`` (Azure AI Foundry's shape, plus agentkit's fields).

    ``reason`` (what the model is told of a denial) and ``arguments`` (edited arguments, a
    JSON object, for an approval) are agentkit's.
    """

    tool_call_id: str
    approve: bool
    headers: dict[str, str] | None = None
    reason: str | None = Field(default=None, max_length=32_768)
    arguments: str | None = Field(default=None, max_length=1_048_576)


class SubmitToolOutputsRequest(StrictBody):
    """``POST /threads/{thread_id}/runs/{run_id}/submit_tool_outputs``.

    ``tool_outputs`` answers a ``submit_tool_outputs`` action; ``tool_approvals`` (Foundry's
    classic agents) a ``submit_tool_approval`` one.
    """

    tool_outputs: list[ToolOutput] | None = Field(default=None, max_length=128)
    tool_approvals: list[ToolApprovalParam] | None = Field(default=None, max_length=128)
    stream: bool | None = None
