"""Model adapters: each turns one frozen `ModelRequest` into a stream of events.

Pick `ResponsesModel` for the Responses API (OpenAI, Azure, vLLM, LM Studio, llama.cpp,
Ollama) or `ChatCompletionsModel` for any Chat Completions server; `model_from_env` picks one
from the environment. Write your own adapter by subclassing `Model` and implementing `stream`.
"""

from agentkit.models.base import Model
from agentkit.models.chat_completions import ChatCompletionsModel
from agentkit.models.env import describe_model, model_from_env
from agentkit.models.events import (
    FinishReason,
    ModelResponseDone,
    ModelStreamEvent,
    ModelTextDelta,
    ModelToolCall,
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
from agentkit.models.responses import ResponsesModel

__all__ = [
    "AllowedTools",
    "AssistantMessageItem",
    "ChatCompletionsModel",
    "FinishReason",
    "Model",
    "ModelItem",
    "ModelRequest",
    "ModelResponseDone",
    "ModelSettings",
    "ModelStreamEvent",
    "ModelTextDelta",
    "ModelToolCall",
    "NamedToolChoice",
    "ResponsesModel",
    "ToolCallItem",
    "ToolChoice",
    "ToolOutputItem",
    "UserMessageItem",
    "describe_model",
    "model_from_env",
]
