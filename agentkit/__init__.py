"""agentkit: tool-using AI assistants on asyncio.

The everyday names live here; families you extend or pick from have their own packages:
`agentkit.models` (model adapters), `agentkit.toolsets`, `agentkit.middleware`,
`agentkit.stores`, `agentkit.testing`; the typed events are in `agentkit.events`.
"""

import logging
import typing

from agentkit.deprecation import moved_names as _moved_names
from agentkit.exports import lazy_exports as _lazy_exports

if typing.TYPE_CHECKING:
    from agentkit.agent import Agent
    from agentkit.context import RunContext
    from agentkit.events import RunEvent
    from agentkit.exceptions import AgentkitError, ModelRetry, UserError
    from agentkit.limits import RunLimits
    from agentkit.middleware.base import Middleware
    from agentkit.models.request import ModelSettings
    from agentkit.records import ToolApproval
    from agentkit.runner import Runner
    from agentkit.runs.handoffs import Handoff
    from agentkit.runs.result import RunResult
    from agentkit.tools.decorator import FunctionTool, tool
    from agentkit.tools.definition import ToolDefinition
    from agentkit.tools.output_type import OutputType

__version__ = "0.1.0.dev0"

# A library's log lines are the application's to show: without this handler, Python's
# last-resort handler would print agentkit's warnings (retries, tool failures) to stderr in
# applications that never configured logging.
logging.getLogger("agentkit").addHandler(logging.NullHandler())

__all__ = [
    "Agent",
    "AgentkitError",
    "FunctionTool",
    "Handoff",
    "Middleware",
    "ModelRetry",
    "ModelSettings",
    "OutputType",
    "RunContext",
    "RunEvent",
    "RunLimits",
    "RunResult",
    "Runner",
    "ToolApproval",
    "ToolDefinition",
    "UserError",
    "tool",
]

# Each name loads its module on first use (see `agentkit.exports`): importing a model
# adapter or `agentkit.remote` does not load the engine it does not need.
__getattr__, __dir__ = _lazy_exports(
    globals(),
    {
        "agentkit.agent": ["Agent"],
        "agentkit.context": ["RunContext"],
        "agentkit.events": ["RunEvent"],
        "agentkit.exceptions": ["AgentkitError", "ModelRetry", "UserError"],
        "agentkit.limits": ["RunLimits"],
        "agentkit.middleware.base": ["Middleware"],
        "agentkit.models.request": ["ModelSettings"],
        "agentkit.records": ["ToolApproval"],
        "agentkit.runner": ["Runner"],
        "agentkit.runs.handoffs": ["Handoff"],
        "agentkit.runs.result": ["RunResult"],
        "agentkit.tools.decorator": ["FunctionTool", "tool"],
        "agentkit.tools.definition": ["ToolDefinition"],
        "agentkit.tools.output_type": ["OutputType"],
    },
    otherwise=_moved_names(__name__, {"RetryTool": "agentkit.exceptions:ModelRetry"}),
)
