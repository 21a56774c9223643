"""Request bodies of the Assistants v2 API, validated strictly (unknown fields are errors).

Field names, types and bounds follow the OpenAI OpenAPI spec's request schemas
(``CreateAssistantRequest``, ``CreateRunRequest``, ...). Validation failures become OpenAI-style
400s naming the parameter; see `agentkit.server.body`.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Discriminator, Field, Tag

from agentkit.server.errors import APIError

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
    "NewToolResources",
    "ResponseFormat",
    "RunOptions",
    "SubmitToolOutputsRequest",
    "TextPart",
    "ToolParam",
    "ToolResources",
    "response_format_wire",
    "tool_resources_wire",
]


def _check_metadata(value: dict[str, str]) -> dict[str, str]:
    if len(value) > 16:
        raise ValueError("at most 16 key-value pairs are allowed")
    for key, item in value.items():
        if len(key) > 64 or len(item) > 512:
            raise ValueError("keys are at most 64 characters and values at most 512")
    return value


Metadata = Annotated[dict[str, str], AfterValidator(_check_metadata)]


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


class FunctionDefinition(_Body):
    """A function tool's definition."""

    name: str = Field(pattern=r"^[a-zA-Z0-9_-]{1,64}$")
    description: str | None = Field(default=None, max_length=1_048_576)
    parameters: dict[str, Any] | None = None
    strict: bool | None = None


class FunctionToolParam(_Body):
    """``{"type": "function", "function": {...}}``."""

    type: Literal["function"]
    function: FunctionDefinition


class CodeInterpreterToolParam(_Body):
    """``{"type": "code_interpreter"}``: runs the model's code in a sandbox (`CodeInterpreter`)."""

    type: Literal["code_interpreter"]


class FileSearchRankingOptions(_Body):
    """``file_search.ranking_options``."""

    ranker: Literal["auto", "default_2024_08_21"] | None = None
    score_threshold: float = Field(ge=0, le=1)


class FileSearchOptions(_Body):
    """The ``file_search`` tool's overrides."""

    max_num_results: int | None = Field(default=None, ge=1, le=50)
    ranking_options: FileSearchRankingOptions | None = None


class FileSearchToolParam(_Body):
    """``{"type": "file_search"}``: accepted and stored; agentkit does not search files."""

    type: Literal["file_search"]
    file_search: FileSearchOptions | None = None


ToolParam = Annotated[
    FunctionToolParam | CodeInterpreterToolParam | FileSearchToolParam,
    Field(discriminator="type"),
]


class NamedFunction(_Body):
    """The function a tool choice names."""

    name: str


class ToolChoiceObject(_Body):
    """A tool choice naming a tool type (and, for functions, the function)."""

    type: Literal["function", "code_interpreter", "file_search"]
    function: NamedFunction | None = None


ToolChoiceParam = Literal["none", "auto", "required"] | ToolChoiceObject


class TruncationParam(_Body):
    """``truncation_strategy``."""

    type: Literal["auto", "last_messages"]
    last_messages: int | None = Field(default=None, ge=1, le=1_000_000)


class TextPart(_Body):
    """A text content part of a new message."""

    type: Literal["text"]
    text: str


def _check_image_url(url: str) -> str:
    if not url.startswith(("https://", "http://", "data:image/")):
        raise ValueError("expected an http(s) URL or a data:image/ URL")
    return url


class ImageURLParam(_Body):
    """``image_url``: where the image is, and how closely the model looks."""

    url: Annotated[str, AfterValidator(_check_image_url)] = Field(max_length=1_048_576)
    detail: Literal["auto", "low", "high"] = "auto"


class ImageURLPart(_Body):
    """An image, by URL, in a new message."""

    type: Literal["image_url"]
    image_url: ImageURLParam


class ImageFileParam(_Body):
    """``image_file``: the id of an uploaded image, and how closely the model looks."""

    file_id: str = Field(min_length=1, max_length=256)
    detail: Literal["auto", "low", "high"] = "auto"


class ImageFilePart(_Body):
    """An image, by file id, in a new message."""

    type: Literal["image_file"]
    image_file: ImageFileParam


ContentPart = Annotated[TextPart | ImageURLPart | ImageFilePart, Field(discriminator="type")]


class CodeInterpreterResources(_Body):
    """``tool_resources.code_interpreter``."""

    file_ids: list[str] = Field(default_factory=list, max_length=20)


class StaticChunking(_Body):
    """``chunking_strategy.static``."""

    max_chunk_size_tokens: int = Field(ge=100, le=4096)
    chunk_overlap_tokens: int


class ChunkingStrategy(_Body):
    """A new vector store's ``chunking_strategy``."""

    type: Literal["auto", "static"]
    static: StaticChunking | None = None


class NewVectorStore(_Body):
    """An item of ``tool_resources.file_search.vector_stores`` (a vector store to create)."""

    file_ids: list[str] | None = None
    chunking_strategy: ChunkingStrategy | None = None
    metadata: Metadata | None = None


class FileSearchResources(_Body):
    """``tool_resources.file_search``."""

    vector_store_ids: list[str] | None = Field(default=None, max_length=1)


class NewFileSearchResources(FileSearchResources):
    """``tool_resources.file_search`` where the API also accepts stores to create."""

    vector_stores: list[NewVectorStore] | None = Field(default=None, max_length=1)


class ToolResources(_Body):
    """``tool_resources`` of a modify request or a thread created with a run."""

    code_interpreter: CodeInterpreterResources | None = None
    file_search: FileSearchResources | None = None


class NewToolResources(ToolResources):
    """``tool_resources`` of a new assistant or thread."""

    file_search: NewFileSearchResources | None = None


class ResponseFormatText(_Body):
    """``{"type": "text"}``."""

    type: Literal["text"]


class ResponseFormatJsonObject(_Body):
    """``{"type": "json_object"}``."""

    type: Literal["json_object"]


class JsonSchemaFormat(_Body):
    """``response_format.json_schema``."""

    name: str = Field(pattern=r"^[a-zA-Z0-9_-]{1,64}$")
    description: str | None = None
    schema_: dict[str, Any] | None = Field(default=None, alias="schema")
    strict: bool | None = None


class ResponseFormatJsonSchema(_Body):
    """``{"type": "json_schema", "json_schema": {...}}``."""

    type: Literal["json_schema"]
    json_schema: JsonSchemaFormat


def _response_format_kind(value: Any) -> str | None:
    # Strings can only be "auto"; objects are told apart by their "type". One branch is
    # tried, so a 400 speaks of that branch only.
    if isinstance(value, str):
        return "auto"
    if isinstance(value, dict):
        kind = value.get("type")
        return kind if isinstance(kind, str) else None
    return getattr(value, "type", None)


ResponseFormat = Annotated[
    Annotated[Literal["auto"], Tag("auto")]
    | Annotated[ResponseFormatText, Tag("text")]
    | Annotated[ResponseFormatJsonObject, Tag("json_object")]
    | Annotated[ResponseFormatJsonSchema, Tag("json_schema")],
    Discriminator(
        _response_format_kind,
        custom_error_type="invalid_value",
        custom_error_message="expected 'auto' or an object whose 'type' is 'text', "
        "'json_object' or 'json_schema'",
    ),
]


class AttachmentTool(_Body):
    """A tool an attached file is for."""

    type: Literal["code_interpreter", "file_search"]


class Attachment(_Body):
    """``attachments[]`` of a message: a file and the tools that get it."""

    file_id: str = Field(min_length=1, max_length=256)
    tools: list[AttachmentTool] = Field(default_factory=list, max_length=2)


class CreateMessageRequest(_Body):
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


class CreateThreadRequest(_Body):
    """``POST /threads``."""

    messages: list[CreateMessageRequest] | None = Field(default=None, max_length=1000)
    tool_resources: NewToolResources | None = None
    metadata: Metadata | None = None


class ModifyThreadRequest(_Body):
    """``POST /threads/{thread_id}``."""

    tool_resources: ToolResources | None = None
    metadata: Metadata | None = None


class ModifyMessageRequest(_Body):
    """``POST /threads/{thread_id}/messages/{message_id}``."""

    metadata: Metadata | None = None


class ModifyRunRequest(_Body):
    """``POST /threads/{thread_id}/runs/{run_id}``."""

    metadata: Metadata | None = None


Temperature = Annotated[float, Field(ge=0, le=2)]
TopP = Annotated[float, Field(ge=0, le=1)]
TokenLimit = Annotated[int, Field(ge=256, le=2**31)]


class _AssistantFields(_Body):
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


class RunOptions(_Body):
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


class ToolOutput(_Body):
    """One output in ``submit_tool_outputs``."""

    tool_call_id: str
    output: str = ""


class SubmitToolOutputsRequest(_Body):
    """``POST /threads/{thread_id}/runs/{run_id}/submit_tool_outputs``."""

    tool_outputs: list[ToolOutput] = Field(max_length=128)
    stream: bool | None = None


def response_format_wire(value: ResponseFormat | None) -> str | dict[str, Any] | None:
    """A validated ``response_format`` as stored and echoed (None when not given)."""
    if value is None or isinstance(value, str):
        return value
    return value.model_dump(by_alias=True, exclude_none=True)


def tool_resources_wire(value: ToolResources | None) -> dict[str, Any]:
    """Validated ``tool_resources`` as stored and echoed.

    Raises:
        APIError: ``file_search.vector_stores`` asks for vector stores to be created, which
            agentkit serve does not do (an echo would claim stores that do not exist).
    """
    if value is None:
        return {}
    if isinstance(value.file_search, NewFileSearchResources) and value.file_search.vector_stores:
        param = "tool_resources.file_search.vector_stores"
        message = (
            f"'{param}' is not supported: agentkit serve does not create vector stores. "
            "Pass existing ids in 'tool_resources.file_search.vector_store_ids'."
        )
        raise APIError(400, message, param=param, code="unsupported_parameter")
    data = value.model_dump(exclude_none=True)
    if "file_search" in data:
        data["file_search"].pop("vector_stores", None)
    return data
