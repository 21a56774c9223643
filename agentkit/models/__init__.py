"""Model adapters: each turns one frozen `ModelRequest` into a stream of events.

Pick `ResponsesModel` for the Responses API (OpenAI, Azure, vLLM, LM Studio, llama.cpp,
Ollama) or `ChatCompletionsModel` for any Chat Completions server; `model_from_env` picks one
from the environment. Write your own adapter by subclassing `Model` and implementing `stream`.
"""

from typing import TYPE_CHECKING, Any

from agentkit.models.base import Model, describe_model
from agentkit.models.events import (
    FinishReason,
    ModelResponseDone,
    ModelStreamEvent,
    ModelTextDelta,
    ModelToolCall,
)
from agentkit.models.function import FunctionModel
from agentkit.models.names import (
    API_VARIABLES,
    DEFAULT_MODEL,
    HOW_TO_CONFIGURE,
    ModelSpec,
    api_configured,
    resolve_model,
)
from agentkit.models.request import (
    AllowedTools,
    AssistantMessageItem,
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
    from agentkit.models.env import model_from_env
    from agentkit.models.responses import ResponsesModel

# The adapters import the openai SDK (about a second); load them on first use so that
# `import agentkit` stays fast.
_LAZY = {
    "ChatCompletionsModel": "agentkit.models.chat_completions",
    "ContinuationWarning": "agentkit.models.continuation",
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
    "FinishReason",
    "FunctionModel",
    "Model",
    "ModelItem",
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
    "model_from_env",
    "resolve_model",
]
