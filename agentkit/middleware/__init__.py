"""Middleware: ordered objects wrapping each run, model call and tool call.

Give them as ``Agent(middleware=[...])``, ``Runner(middleware=[...])`` or per run; list order
is call order, outermost first. Built in: retries (`RetryMiddleware`, `ToolRetryMiddleware`),
logs and spans (`TracingMiddleware`, `OpenTelemetryMiddleware`), budgets
(`UsageLimitsMiddleware`), images shown by file id (`ImageFilesMiddleware`).
`middleware_stack` shows the order a run applies them in.

Tool-choice policies are not middleware: they moved to `agentkit.tool_choice` (the old names
here still work, with a deprecation warning).
"""

from agentkit.deprecation import moved_names
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
from agentkit.middleware.image_files import ImageFilesMiddleware
from agentkit.middleware.otel import OpenTelemetryMiddleware
from agentkit.middleware.replay import TextReplayFilter
from agentkit.middleware.retry import (
    RetryMiddleware,
    current_attempt,
    default_model_stop,
    default_model_wait,
    wait_retry_after,
)
from agentkit.middleware.stack import middleware_stack
from agentkit.middleware.tool_choice import ToolChoiceMiddleware
from agentkit.middleware.tool_retry import ToolRetry, ToolRetryMiddleware
from agentkit.middleware.tracing import TracingMiddleware
from agentkit.middleware.usage_limits import UsageLimitsMiddleware

__all__ = [
    "ImageFilesMiddleware",
    "Middleware",
    "ModelCall",
    "ModelHandler",
    "ModelResponse",
    "OpenTelemetryMiddleware",
    "RetryMiddleware",
    "RunCall",
    "RunHandler",
    "TextReplayFilter",
    "ToolCall",
    "ToolChoiceMiddleware",
    "ToolHandler",
    "ToolRetry",
    "ToolRetryMiddleware",
    "TracingMiddleware",
    "UsageLimitsMiddleware",
    "current_attempt",
    "default_model_stop",
    "default_model_wait",
    "middleware_stack",
    "wait_retry_after",
]

__getattr__ = moved_names(
    __name__,
    dict.fromkeys(
        (
            "AllowedToolsPolicy",
            "FixedToolChoice",
            "RequiredUntil",
            "StopAtTools",
            "StopOnFirstTool",
            "ToolChoicePolicy",
            "ToolFirst",
            "TurnInfo",
        ),
        "agentkit.tool_choice",
    ),
)
