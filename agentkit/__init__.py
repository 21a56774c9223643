"""agentkit: tool-using AI assistants on asyncio.

The everyday names live here; families you extend or pick from have their own packages:
`agentkit.models` (model adapters), `agentkit.toolsets`, `agentkit.middleware`,
`agentkit.stores`, `agentkit.testing`; the typed events are in `agentkit.events`.
"""

import logging

from agentkit.agent import Agent
from agentkit.context import RunContext
from agentkit.deprecation import moved_names as _moved_names
from agentkit.events import RunEvent
from agentkit.exceptions import AgentkitError, ModelRetry, UserError
from agentkit.limits import RunLimits
from agentkit.middleware.base import Middleware
from agentkit.models.request import ModelSettings
from agentkit.runner import Runner
from agentkit.runs.result import RunResult
from agentkit.tools.decorator import FunctionTool, tool
from agentkit.tools.definition import ToolDefinition

__version__ = "0.1.0.dev0"

# A library's log lines are the application's to show: without this handler, Python's
# last-resort handler would print agentkit's warnings (retries, tool failures) to stderr in
# applications that never configured logging.
logging.getLogger("agentkit").addHandler(logging.NullHandler())

__all__ = [
    "Agent",
    "AgentkitError",
    "FunctionTool",
    "Middleware",
    "ModelRetry",
    "ModelSettings",
    "RunContext",
    "RunEvent",
    "RunLimits",
    "RunResult",
    "Runner",
    "ToolDefinition",
    "UserError",
    "tool",
]

__getattr__ = _moved_names(__name__, {"RetryTool": "agentkit.exceptions:ModelRetry"})
