"""Test your agents offline: models that need no API, and a fake OpenAI server.

- `TestModel` calls the agent's tools with schema-valid arguments, then answers.
- `FunctionModel` lets your function decide every turn (`call_tool`, `text`).
- `FakeOpenAI` is a scripted OpenAI-compatible HTTP server (Responses and Chat Completions)
  to test real adapters and clients end to end; a `RecordedReply` in its script replays what
  a real server (vLLM, SGLang, Ollama, llama.cpp) sent, byte for byte.
"""

from agentkit.models.function import (
    FunctionInfo,
    FunctionModel,
    ModelTurn,
    TurnResult,
    call_tool,
    text,
)
from agentkit.models.schema_values import value_for_schema
from agentkit.models.test import TestModel
from agentkit.testing.fake_openai import (
    FakeConnectionDropped,
    FakeOpenAI,
    FakeReply,
    FakeRequest,
    FakeToolCall,
    RecordedReply,
)

__all__ = [
    "FakeConnectionDropped",
    "FakeOpenAI",
    "FakeReply",
    "FakeRequest",
    "FakeToolCall",
    "FunctionInfo",
    "FunctionModel",
    "ModelTurn",
    "RecordedReply",
    "TestModel",
    "TurnResult",
    "call_tool",
    "text",
    "value_for_schema",
]
