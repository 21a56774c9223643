"""The `Run` record of a new run, from the agent that will drive it."""

from __future__ import annotations

import math
import time
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from agentkit.records import Run, now
from agentkit.tool_choice.base import TurnInfo, wire_tool_choice

if TYPE_CHECKING:
    from agentkit.agent import Agent

__all__ = ["new_run"]


def new_run(
    agent: Agent[Any],
    thread_id: str,
    additional_instructions: str | None,
    metadata: Mapping[str, str] | None,
) -> Run:
    """A queued run of ``agent`` on the thread, with the agent's settings as its fields."""
    instructions = agent.instructions
    if additional_instructions:
        instructions = f"{instructions}\n\n{additional_instructions}".strip()
    created = now()
    timeout = agent.limits.timeout
    return Run(
        created_at=created,
        thread_id=thread_id,
        assistant_id=agent.id,
        model=agent.model.model_name,
        instructions=instructions,
        tools=agent.wire_tools(),
        metadata=dict(metadata or {}),
        # Rounded up: the API's whole-second expires_at never gives a run less than its
        # timeout (truncating gave RunLimits(timeout=0.5) no time at all).
        expires_at=None if timeout is None else math.ceil(time.time() + timeout),
        parallel_tool_calls=agent.parallel_tool_calls is not False,
        tool_choice=wire_tool_choice(agent.tool_choice.resolve(_first_turn(agent))),
        temperature=agent.settings.temperature,
        top_p=agent.settings.top_p,
        truncation_strategy=agent.truncation,
    )


def _first_turn(agent: Agent[Any]) -> TurnInfo:
    return TurnInfo(
        turn=1, tool_history=(), last_turn_calls=(), tool_names=tuple(agent.toolset.names())
    )
