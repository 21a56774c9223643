"""Model adapters: each turns one frozen `ModelRequest` into a stream of events.

Pick `ResponsesModel` for the Responses API (OpenAI, Azure, vLLM, LM Studio, llama.cpp,
Ollama) or `ChatCompletionsModel` for any Chat Completions server; `model_from_env` picks one
from the environment, and `resolve_model` turns a name (``"gpt-5.1"``, ``"azure:my-dep"``)
into one. Write your own adapter by subclassing `Model` and implementing `stream`.
"""

import typing

from agentkit.exports import lazy_exports as _lazy_exports

if typing.TYPE_CHECKING:
    from agentkit.models.base import Model, describe_model
    from agentkit.models.chat_completions import ChatCompletionsModel
    from agentkit.models.continuation import ContinuationWarning
    from agentkit.models.endpoint import Endpoint
    from agentkit.models.env import model_for_name, model_from_env
    from agentkit.models.events import (
        FinishReason,
        ModelResponseDone,
        ModelStreamEvent,
        ModelTextDelta,
        ModelToolCall,
    )
    from agentkit.models.function import FunctionModel
    from agentkit.models.images import ImageData, ImageFileSource, resolve_image_files
    from agentkit.models.names import (
        API_VARIABLES,
        DEFAULT_MODEL,
        HOW_TO_CONFIGURE,
        ModelName,
        ModelSpec,
        api_configured,
        parse_model_name,
        resolve_model,
    )
    from agentkit.models.request import (
        AllowedTools,
        AssistantMessageItem,
        InputImage,
        ModelItem,
        ModelRequest,
        ModelSettings,
        NamedToolChoice,
        ToolCallItem,
        ToolChoice,
        ToolOutputItem,
        UserMessageItem,
    )
    from agentkit.models.responses import ResponsesModel
    from agentkit.models.test import TestModel

__all__ = [
    "API_VARIABLES",
    "DEFAULT_MODEL",
    "HOW_TO_CONFIGURE",
    "AllowedTools",
    "AssistantMessageItem",
    "ChatCompletionsModel",
    "ContinuationWarning",
    "Endpoint",
    "FinishReason",
    "FunctionModel",
    "ImageData",
    "ImageFileSource",
    "InputImage",
    "Model",
    "ModelItem",
    "ModelName",
    "ModelRequest",
    "ModelResponseDone",
    "ModelSettings",
    "ModelSpec",
    "ModelStreamEvent",
    "ModelTextDelta",
    "ModelToolCall",
    "NamedToolChoice",
    "ResponsesModel",
    "TestModel",
    "ToolCallItem",
    "ToolChoice",
    "ToolOutputItem",
    "UserMessageItem",
    "api_configured",
    "describe_model",
    "model_for_name",
    "model_from_env",
    "parse_model_name",
    "resolve_image_files",
    "resolve_model",
]

# The adapters import the openai SDK and the test doubles the engine's tool machinery; each
# name loads its module on first use (see `agentkit.exports`), so importing one adapter loads
# only what that adapter needs.
if not typing.TYPE_CHECKING:
    __getattr__, __dir__ = _lazy_exports(
        globals(),
        {
            "agentkit.models.base": ["Model", "describe_model"],
            "agentkit.models.chat_completions": ["ChatCompletionsModel"],
            "agentkit.models.continuation": ["ContinuationWarning"],
            "agentkit.models.endpoint": ["Endpoint"],
            "agentkit.models.env": ["model_for_name", "model_from_env"],
            "agentkit.models.events": [
                "FinishReason",
                "ModelResponseDone",
                "ModelStreamEvent",
                "ModelTextDelta",
                "ModelToolCall",
            ],
            "agentkit.models.function": ["FunctionModel"],
            "agentkit.models.images": ["ImageData", "ImageFileSource", "resolve_image_files"],
            "agentkit.models.names": [
                "API_VARIABLES",
                "DEFAULT_MODEL",
                "HOW_TO_CONFIGURE",
                "ModelName",
                "ModelSpec",
                "api_configured",
                "parse_model_name",
                "resolve_model",
            ],
            "agentkit.models.request": [
                "AllowedTools",
                "AssistantMessageItem",
                "InputImage",
                "ModelItem",
                "ModelRequest",
                "ModelSettings",
                "NamedToolChoice",
                "ToolCallItem",
                "ToolChoice",
                "ToolOutputItem",
                "UserMessageItem",
            ],
            "agentkit.models.responses": ["ResponsesModel"],
            "agentkit.models.test": ["TestModel"],
        },
    )
