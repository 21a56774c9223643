"""Tool-choice policies: what the model may or must call on each turn.

Give one as ``Agent(tool_choice=...)``: a plain ``"auto"``/``"none"``/``"required"`` or a tool
name (a `FixedToolChoice`, reset to ``auto`` once a tool was used), or a policy:

- `ToolFirst`: call this tool first, then let the model choose;
- `RequiredUntil`: a tool call is required until ``n`` calls were made;
- `AllowedToolsPolicy`: only a subset of the tools, fixed or chosen per turn;
- `StopOnFirstTool` / `StopAtTools`: a tool's output is the run's final answer, with no
  further model call.

Write your own by subclassing `ToolChoicePolicy`: ``resolve`` is a pure function of `TurnInfo`.
"""

import typing

from agentkit.exports import lazy_exports as _lazy_exports

if typing.TYPE_CHECKING:
    from agentkit.models.request import AllowedTools, NamedToolChoice, ToolChoice
    from agentkit.tool_choice.base import (
        FixedToolChoice,
        ToolChoicePolicy,
        TurnInfo,
        as_policy,
        canonical_tool_choice,
        wire_tool_choice,
    )
    from agentkit.tool_choice.policies import (
        AllowedToolsPolicy,
        RequiredUntil,
        StopAtTools,
        StopOnFirstTool,
        ToolFirst,
    )

__all__ = [
    "AllowedTools",
    "AllowedToolsPolicy",
    "FixedToolChoice",
    "NamedToolChoice",
    "RequiredUntil",
    "StopAtTools",
    "StopOnFirstTool",
    "ToolChoice",
    "ToolChoicePolicy",
    "ToolFirst",
    "TurnInfo",
    "as_policy",
    "canonical_tool_choice",
    "wire_tool_choice",
]

# Each name loads its module on first use (see `agentkit.exports`).
if not typing.TYPE_CHECKING:
    __getattr__, __dir__ = _lazy_exports(
        globals(),
        {
            "agentkit.models.request": ["AllowedTools", "NamedToolChoice", "ToolChoice"],
            "agentkit.tool_choice.base": [
                "FixedToolChoice",
                "ToolChoicePolicy",
                "TurnInfo",
                "as_policy",
                "canonical_tool_choice",
                "wire_tool_choice",
            ],
            "agentkit.tool_choice.policies": [
                "AllowedToolsPolicy",
                "RequiredUntil",
                "StopAtTools",
                "StopOnFirstTool",
                "ToolFirst",
            ],
        },
    )
