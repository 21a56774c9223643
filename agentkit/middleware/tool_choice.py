"""Deprecated: `ToolChoiceMiddleware`. The engine applies the agent's policy itself now.

The policies moved to `agentkit.tool_choice`. A middleware that wants a different tool choice
replaces ``call.request.tool_choice`` in ``wrap_model_call``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from agentkit.calls import ModelCall, ModelHandler, ModelResponse
from agentkit.context import RunContext
from agentkit.deprecation import warn_deprecated
from agentkit.middleware.base import Middleware
from agentkit.models.request import ToolChoice
from agentkit.records import FunctionToolCall
from agentkit.tool_choice.base import ToolChoicePolicy, TurnInfo, as_policy
from agentkit.usage import Usage

__all__ = ["ToolChoiceMiddleware"]


class ToolChoiceMiddleware(Middleware):
    """Deprecated: applies a policy to each model call it wraps, after the agent's own."""

    def __init__(self, policy: ToolChoicePolicy | ToolChoice | str) -> None:
        warn_deprecated(
            "ToolChoiceMiddleware",
            "Agent(tool_choice=policy), or replace "
            "call.request.tool_choice in your own wrap_model_call",
        )
        self.policy = as_policy(policy)

    async def wrap_model_call(
        self, ctx: RunContext[Any], call: ModelCall, next: ModelHandler
    ) -> ModelResponse:
        info = _turn_info(call)
        final = self.policy.final_output(info)
        if final is not None:
            return ModelResponse(text=final, tool_calls=(), usage=Usage())
        choice = self.policy.resolve(info)
        if choice == call.request.tool_choice:
            return await next(call)
        return await next(replace(call, request=replace(call.request, tool_choice=choice)))


def _turn_info(call: ModelCall) -> TurnInfo:
    history = call.tool_history
    return TurnInfo(
        turn=call.request.turn,
        tool_history=history,
        last_turn_calls=_last_turn(history, call.request.items),
        tool_names=tuple(t.name for t in call.request.tools),
    )


def _last_turn(
    history: tuple[FunctionToolCall, ...], items: Sequence[Any]
) -> tuple[FunctionToolCall, ...]:
    # The previous turn's calls are the tool-call items at the end of the request, after the
    # last assistant or user message.
    trailing: list[str] = []
    for item in reversed(items):
        if item.kind == "tool_output":
            continue
        if item.kind != "tool_call":
            break
        trailing.append(item.call_id)
    wanted = set(trailing)
    return tuple(c for c in history if c.id in wanted)
