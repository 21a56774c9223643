"""Model adapters: each turns one frozen `ModelRequest` into a stream of events.

Pick `ResponsesModel` for the Responses API (OpenAI, Azure, vLLM, LM Studio, llama.cpp,
Ollama) or `ChatCompletionsModel` for any Chat Completions server; `model_from_env` picks one
from the environment, and `resolve_model` turns a name (``"gpt-5.1"``, ``"azure:my-dep"``)
into one. Write your own adapter by subclassing `Model` and implementing `stream`.
"""

from typing import TYPE_CHECKING, Any

from agentkit.models.base import Model, describe_model
from agentkit.models.endpoint import Endpoint
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
from agentkit.models.test import TestModel

if TYPE_CHECKING:
    from agentkit.models.chat_completions import ChatCompletionsModel
    from agentkit.models.continuation import ContinuationWarning
    from agentkit.models.env import model_for_name, model_from_env
    from agentkit.models.responses import ResponsesModel

# The adapters import the openai SDK (about a second); load them on first use so that
# `import agentkit` stays fast.
_LAZY = {
    "ChatCompletionsModel": "agentkit.models.chat_completions",
    "ContinuationWarning": "agentkit.models.continuation",
    "model_for_name": "agentkit.models.env",
    "model_from_env": "agentkit.models.env",
    "ResponsesModel": "agentkit.models.responses",
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'agentkit.models' has no attribute {name!r}")


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
