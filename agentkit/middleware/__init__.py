"""Middleware: ordered objects wrapping each run, model call and tool call.

Give them as ``Agent(middleware=[...])``, ``Runner(middleware=[...])`` or per run; list order
is call order, outermost first. Built in: retries (`RetryMiddleware`, `ToolRetryMiddleware`),
logs and spans (`TracingMiddleware`, `OpenTelemetryMiddleware`), budgets
(`UsageLimitsMiddleware`) and tool-choice policies (the agent's ``tool_choice``).
"""

from agentkit.middleware.base import (
    Middleware,
    ModelCall,
    ModelHandler,
    ModelResponse,
    RunCall,
    RunHandler,
    ToolCall,
    ToolHandler,
)
from agentkit.middleware.otel import OpenTelemetryMiddleware
from agentkit.middleware.policies import (
    AllowedToolsPolicy,
    RequiredUntil,
    StopAtTools,
    StopOnFirstTool,
    ToolFirst,
)
from agentkit.middleware.replay import TextReplayFilter
from agentkit.middleware.retry import (
    RetryMiddleware,
    current_attempt,
    default_model_stop,
    default_model_wait,
    wait_retry_after,
)
from agentkit.middleware.tool_choice import (
    FixedToolChoice,
    ToolChoiceMiddleware,
    ToolChoicePolicy,
    TurnInfo,
)
from agentkit.middleware.tool_retry import ToolRetry, ToolRetryMiddleware
from agentkit.middleware.tracing import TracingMiddleware
from agentkit.middleware.usage_limits import UsageLimitsMiddleware

__all__ = [
    "AllowedToolsPolicy",
    "FixedToolChoice",
    "Middleware",
    "ModelCall",
    "ModelHandler",
    "ModelResponse",
    "OpenTelemetryMiddleware",
    "RequiredUntil",
    "RetryMiddleware",
    "RunCall",
    "RunHandler",
    "StopAtTools",
    "StopOnFirstTool",
    "TextReplayFilter",
    "ToolCall",
    "ToolChoiceMiddleware",
    "ToolChoicePolicy",
    "ToolFirst",
    "ToolHandler",
    "ToolRetry",
    "ToolRetryMiddleware",
    "TracingMiddleware",
    "TurnInfo",
    "UsageLimitsMiddleware",
    "current_attempt",
    "default_model_stop",
    "default_model_wait",
    "wait_retry_after",
]
