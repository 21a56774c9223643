"""`FakeOpenAI`: a scripted OpenAI-compatible HTTP server for testing agents and adapters."""

from agentkit.testing.fake_openai.app import FakeConnectionDropped, FakeOpenAI
from agentkit.testing.fake_openai.conversations import FakeConversations
from agentkit.testing.fake_openai.recorded import RecordedReply
from agentkit.testing.fake_openai.script import (
    FakeReply,
    FakeRequest,
    FakeToolCall,
    Script,
    ScriptResult,
)

__all__ = [
    "FakeConnectionDropped",
    "FakeConversations",
    "FakeOpenAI",
    "FakeReply",
    "FakeRequest",
    "FakeToolCall",
    "RecordedReply",
    "Script",
    "ScriptResult",
]
