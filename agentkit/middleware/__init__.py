"""Middleware: ordered objects wrapping each run, model call and tool call.

Give them as ``Agent(middleware=[...])``, ``Runner(middleware=[...])`` or per run; list order
is call order, outermost first. Built in: retries (`RetryMiddleware`, `ToolRetryMiddleware`),
logs and spans (`TracingMiddleware`, `OpenTelemetryMiddleware`), budgets
(`UsageLimitsMiddleware`), images shown by file id (`ImageFilesMiddleware`).
`middleware_stack` shows the order a run applies them in.

Tool-choice policies are not middleware: they moved to `agentkit.tool_choice` (the old names
here still work, with a deprecation warning).
"""

import typing

from agentkit.deprecation import moved_names as _moved_names
from agentkit.exports import lazy_exports as _lazy_exports

if typing.TYPE_CHECKING:
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

# Each name loads its module on first use (see `agentkit.exports`); the tool-choice names
# that moved to `agentkit.tool_choice` are served with a deprecation warning.
__getattr__, __dir__ = _lazy_exports(
    globals(),
    {
        "agentkit.middleware.base": [
            "Middleware",
            "ModelCall",
            "ModelHandler",
            "ModelResponse",
            "RunCall",
            "RunHandler",
            "ToolCall",
            "ToolHandler",
        ],
        "agentkit.middleware.image_files": ["ImageFilesMiddleware"],
        "agentkit.middleware.otel": ["OpenTelemetryMiddleware"],
        "agentkit.middleware.replay": ["TextReplayFilter"],
        "agentkit.middleware.retry": [
            "RetryMiddleware",
            "current_attempt",
            "default_model_stop",
            "default_model_wait",
            "wait_retry_after",
        ],
        "agentkit.middleware.stack": ["middleware_stack"],
        "agentkit.middleware.tool_choice": ["ToolChoiceMiddleware"],
        "agentkit.middleware.tool_retry": ["ToolRetry", "ToolRetryMiddleware"],
        "agentkit.middleware.tracing": ["TracingMiddleware"],
        "agentkit.middleware.usage_limits": ["UsageLimitsMiddleware"],
    },
    otherwise=_moved_names(
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
    ),
)
