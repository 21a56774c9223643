"""Answering tool calls, shared by local runs and remote (Assistants-wire) runs.

Which calls agentkit runs and which the caller answers, the innermost tool handler (find
the tool, give it its context, apply the default timeout), and the retry budget.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING, Any, Literal

from agentkit.calls import ToolCall
from agentkit.context import RunContext
from agentkit.exceptions import ToolTimeoutError, UnknownToolError
from agentkit.records import FunctionToolCall
from agentkit.runs.dispatcher import ToolOutcome
from agentkit.runs.hosted import HostedResults, run_hosted
from agentkit.tools.base import Tool
from agentkit.tools.definition import ToolDefinition
from agentkit.tools.hosted import HostedTool

if TYPE_CHECKING:
    from agentkit.agent import Agent

__all__ = [
    "ToolRetriesExhausted",
    "check_retry_budget",
    "count_failures",
    "invoke_tool",
    "split_calls",
]


class ToolRetriesExhausted(Exception):
    """A tool failed more often in a row than its retry budget allows; the run fails."""

    def __init__(self, name: str, failures: int, message: str) -> None:
        super().__init__(
            f"the tool {name!r} failed {failures} times in a row; last error: {message}"
        )


def split_calls(
    agent: Agent[Any],
    calls: Sequence[FunctionToolCall],
    *,
    mode: Literal["auto", "manual"],
    step_id: str | None = None,
) -> tuple[list[ToolCall], list[FunctionToolCall]]:
    """The calls without output that agentkit runs, and those the caller answers.

    The caller answers every call in manual mode, and calls to bare `ToolDefinition`s;
    agentkit always runs hosted tools' calls (the code interpreter).
    """
    ours: list[ToolCall] = []
    callers: list[FunctionToolCall] = []
    for call in calls:
        if call.function.output is not None:
            continue
        tool = agent.toolset.get(call.function.name)
        manual = mode == "manual" and not isinstance(tool, HostedTool)
        if manual or isinstance(tool, ToolDefinition):
            callers.append(call)
        else:
            ours.append(
                ToolCall(call.id, call.function.name, call.function.arguments, tool, step_id)
            )
    return ours, callers


async def invoke_tool(
    agent: Agent[Any],
    failures: Mapping[str, int],
    ctx: RunContext[Any],
    call: ToolCall,
    *,
    hosted: HostedResults | None = None,
) -> str:
    """The innermost tool handler: find the tool, give it its context, apply the timeout.

    A `HostedTool`'s result is kept in ``hosted`` for the step (`run_hosted`).

    Raises:
        UnknownToolError: the agent has no tool by that name (the message lists them).
        ToolTimeoutError: the agent's default ``tool_timeout`` passed.
    """
    tool = call.tool
    if not isinstance(tool, Tool):
        available = sorted(agent.toolset.names())
        raise UnknownToolError(
            f"There is no tool named {call.name!r}. Available tools: {', '.join(available)}.",
            tool_name=call.name,
            available=available,
            call_id=call.call_id,
        )
    call_ctx = replace(
        ctx, call_id=call.call_id, tool_name=call.name, attempt=failures.get(call.name, 0)
    )
    default_timeout = agent.limits.tool_timeout
    if tool.timeout is not None or default_timeout is None:
        return await _invoke(tool, call, call_ctx, hosted)
    try:
        async with asyncio.timeout(default_timeout):
            return await _invoke(tool, call, call_ctx, hosted)
    except TimeoutError:
        raise ToolTimeoutError(
            f"The tool {call.name!r} did not finish within {default_timeout:g} seconds.",
            tool_name=call.name,
            timeout=default_timeout,
            call_id=call.call_id,
        ) from None


async def _invoke(
    tool: Tool, call: ToolCall, ctx: RunContext[Any], hosted: HostedResults | None
) -> str:
    if isinstance(tool, HostedTool):
        return await run_hosted(tool, call.arguments, ctx, hosted)
    return await tool.invoke(call.arguments, ctx)


def count_failures(failures: dict[str, int], outcomes: Sequence[ToolOutcome]) -> None:
    """Update consecutive failures per tool: +1 on failure, back to 0 on success."""
    for outcome in outcomes:
        name = outcome.call.name
        failures[name] = failures.get(name, 0) + 1 if outcome.failed else 0


def check_retry_budget(
    agent: Agent[Any], failures: Mapping[str, int], outcomes: Sequence[ToolOutcome]
) -> None:
    """Raise `ToolRetriesExhausted` when a failed call's tool is past its budget.

    The budget is the tool's ``max_model_retries``, else the agent's
    ``limits.max_model_retries``.
    """
    for outcome in outcomes:
        if outcome.error is None:
            continue
        tool = outcome.call.tool
        budget = agent.limits.max_model_retries
        if isinstance(tool, Tool) and tool.max_model_retries is not None:
            budget = tool.max_model_retries
        count = failures.get(outcome.call.name, 0)
        if count > budget:
            raise ToolRetriesExhausted(outcome.call.name, count, outcome.error.message)
