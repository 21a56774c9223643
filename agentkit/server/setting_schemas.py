"""Request fields that configure an assistant or a run.

Its tools and tool choice, tool resources, response format and truncation.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import Discriminator, Field, Tag

from agentkit.server.body_fields import ChunkingStrategyParam, Metadata, StrictBody
from agentkit.server.errors import APIError

__all__ = [
    "NewToolResources",
    "NewVectorStore",
    "ResponseFormat",
    "ToolChoiceParam",
    "ToolParam",
    "ToolResources",
    "TruncationParam",
    "new_vector_stores",
    "response_format_wire",
    "tool_resources_wire",
]


class FunctionDefinition(StrictBody):
    """A function tool's definition."""

    name: str = Field(pattern=r"^[a-zA-Z0-9_-]{1,64}$")
    description: str | None = Field(default=None, max_length=1_048_576)
    parameters: dict[str, Any] | None = None
    strict: bool | None = None


class FunctionToolParam(StrictBody):
    """``{"type": "function", "function": {...}}``."""

    type: Literal["function"]
    function: FunctionDefinition


class CodeInterpreterToolParam(StrictBody):
    """``{"type": "code_interpreter"}``: runs the model's code in a sandbox (`CodeInterpreter`)."""

    type: Literal["code_interpreter"]


class FileSearchRankingOptions(StrictBody):
    """``file_search.ranking_options``."""

    ranker: Literal["auto", "default_2024_08_21"] | None = None
    score_threshold: float = Field(ge=0, le=1)


class FileSearchOptions(StrictBody):
    """The ``file_search`` tool's overrides."""

    max_num_results: int | None = Field(default=None, ge=1, le=50)
    ranking_options: FileSearchRankingOptions | None = None


class FileSearchToolParam(StrictBody):
    """``{"type": "file_search"}``: searches vector stores (`agentkit.file_search.FileSearch`)."""

    type: Literal["file_search"]
    file_search: FileSearchOptions | None = None


class HandoffTarget(StrictBody):
    """The assistant a ``handoff`` tool transfers the conversation to."""

    assistant_id: str = Field(min_length=1, max_length=256)
    description: str | None = Field(default=None, max_length=1024)


class HandoffToolParam(StrictBody):
    """``{"type": "handoff", "handoff": {"assistant_id": ...}}`` (agentkit's own tool type).

    The model may hand the conversation to that assistant (a ``transfer_to_<name>`` tool);
    the run keeps its ``assistant_id`` and each message records the assistant that wrote it.
    """

    type: Literal["handoff"]
    handoff: HandoffTarget


ToolParam = Annotated[
    FunctionToolParam | CodeInterpreterToolParam | FileSearchToolParam | HandoffToolParam,
    Field(discriminator="type"),
]


class NamedFunction(StrictBody):
    """The function a tool choice names."""

    name: str


class ToolChoiceObject(StrictBody):
    """A tool choice naming a tool type (and, for functions, the function)."""

    type: Literal["function", "code_interpreter", "file_search"]
    function: NamedFunction | None = None


ToolChoiceParam = Literal["none", "auto", "required"] | ToolChoiceObject


class TruncationParam(StrictBody):
    """``truncation_strategy``."""

    type: Literal["auto", "last_messages"]
    last_messages: int | None = Field(default=None, ge=1, le=1_000_000)


class CodeInterpreterResources(StrictBody):
    """``tool_resources.code_interpreter``."""

    file_ids: list[str] = Field(default_factory=list, max_length=20)


class NewVectorStore(StrictBody):
    """An item of ``tool_resources.file_search.vector_stores`` (a vector store to create)."""

    file_ids: list[str] | None = None
    chunking_strategy: ChunkingStrategyParam | None = None
    metadata: Metadata | None = None


class FileSearchResources(StrictBody):
    """``tool_resources.file_search``."""

    vector_store_ids: list[str] | None = Field(default=None, max_length=1)


class NewFileSearchResources(FileSearchResources):
    """``tool_resources.file_search`` where the API also accepts stores to create."""

    vector_stores: list[NewVectorStore] | None = Field(default=None, max_length=1)


class ToolResources(StrictBody):
    """``tool_resources`` of a modify request or a thread created with a run."""

    code_interpreter: CodeInterpreterResources | None = None
    file_search: FileSearchResources | None = None


class NewToolResources(ToolResources):
    """``tool_resources`` of a new assistant or thread."""

    file_search: NewFileSearchResources | None = None


class ResponseFormatText(StrictBody):
    """``{"type": "text"}``."""

    type: Literal["text"]


class ResponseFormatJsonObject(StrictBody):
    """``{"type": "json_object"}``."""

    type: Literal["json_object"]


class JsonSchemaFormat(StrictBody):
    """``response_format.json_schema``."""

    name: str = Field(pattern=r"^[a-zA-Z0-9_-]{1,64}$")
    description: str | None = None
    schema_: dict[str, Any] | None = Field(default=None, alias="schema")
    strict: bool | None = None


class ResponseFormatJsonSchema(StrictBody):
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


def response_format_wire(value: ResponseFormat | None) -> str | dict[str, Any] | None:
    """A validated ``response_format`` as stored and echoed (None when not given)."""
    if value is None or isinstance(value, str):
        return value
    return value.model_dump(by_alias=True, exclude_none=True)


def tool_resources_wire(value: ToolResources | None) -> dict[str, Any]:
    """Validated ``tool_resources`` as stored and echoed, without ``vector_stores`` to create.

    The vector stores ``file_search.vector_stores`` asks for (`new_vector_stores`) are
    created by the route, which adds their ids to ``file_search.vector_store_ids``.
    """
    if value is None:
        return {}
    data = value.model_dump(exclude_none=True)
    if "file_search" in data:
        data["file_search"].pop("vector_stores", None)
    return data


def new_vector_stores(value: ToolResources | None) -> list[NewVectorStore]:
    """The vector stores ``tool_resources.file_search.vector_stores`` asks to create.

    Raises:
        APIError: together with ``vector_store_ids`` they make more than one store (the
            API's limit per assistant or thread).
    """
    search = value.file_search if value is not None else None
    if not isinstance(search, NewFileSearchResources) or not search.vector_stores:
        return []
    if len(search.vector_stores) + len(search.vector_store_ids or []) > 1:
        param = "tool_resources.file_search"
        message = (
            "Too many vector stores: give one in 'vector_store_ids' or one to create in "
            "'vector_stores', not both."
        )
        raise APIError(400, message, param=param, code="invalid_value")
    return list(search.vector_stores)
