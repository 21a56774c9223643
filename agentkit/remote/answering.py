"""Answering a remote run's tool calls locally, exactly as a local run answers them.

The calls go through the same parallel dispatcher and the same ``wrap_tool_call`` middleware
chain as in a local run; failures count against the same retry budget, so a tool that keeps
failing fails the run with ``tool_error`` here too.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from functools import partial
from typing import Any

from agentkit.agent import Agent
from agentkit.context import RunContext
from agentkit.exceptions import ToolTimeoutError, UnknownToolError
from agentkit.middleware.base import Middleware, ToolCall, ToolHandler, build_chain
from agentkit.runs.dispatcher import ToolOutcome, dispatch_tools
from agentkit.runs.objects import FunctionToolCall
from agentkit.runs.state import DispatchMode
from agentkit.tools.base import Tool
from agentkit.tools.definition import ToolDefinition

__all__ = ["ToolAnswerer", "ToolsExhaustedError"]


class ToolsExhaustedError(Exception):
    """A tool failed more often in a row than its retry budget allows."""


@dataclass
class ToolAnswerer:
    """Runs the calls of each ``requires_action`` that are agentkit's to answer.

    Attributes:
        failures: consecutive failed calls per tool name, across the run.
    """

    agent: Agent[Any]
    ctx: RunContext[Any]
    layers: tuple[Middleware, ...]
    mode: DispatchMode = "auto"
    failures: dict[str, int] = field(default_factory=dict)

    def split(
        self, calls: Sequence[FunctionToolCall]
    ) -> tuple[list[ToolCall], list[FunctionToolCall]]:
        """The calls agentkit runs, and those the caller answers (manual mode, bare definitions)."""
        ours: list[ToolCall] = []
        callers: list[FunctionToolCall] = []
        for call in calls:
            tool = self.agent.toolset.get(call.function.name)
            if self.mode == "manual" or isinstance(tool, ToolDefinition):
                callers.append(call)
            else:
                ours.append(ToolCall(call.id, call.function.name, call.function.arguments, tool))
        return ours, callers

    async def answer(self, calls: list[ToolCall], run_id: str) -> list[ToolOutcome]:
        """Run ``calls`` in parallel through the middleware; outcomes in call order.

        Raises:
            ToolsExhaustedError: a tool kept failing beyond its retry budget.
        """
        if not calls:
            return []
        ctx = replace(self.ctx, run_id=run_id)
        chain: ToolHandler = build_chain(
            self.layers, "wrap_tool_call", ctx, partial(self._invoke, ctx)
        )
        limits = self.agent.limits
        outcomes = await dispatch_tools(
            calls,
            chain,
            max_concurrency=limits.max_concurrent_tools,
            max_output_chars=limits.max_tool_output_chars,
            emit=ctx.emit,
        )
        for outcome in outcomes:
            name = outcome.call.name
            self.failures[name] = self.failures.get(name, 0) + 1 if outcome.failed else 0
        self._check_budget(outcomes)
        return outcomes

    def _check_budget(self, outcomes: list[ToolOutcome]) -> None:
        for outcome in outcomes:
            if outcome.error is None:
                continue
            tool = outcome.call.tool
            budget = self.agent.limits.tool_retries
            if isinstance(tool, Tool) and tool.max_retries is not None:
                budget = tool.max_retries
            failures = self.failures.get(outcome.call.name, 0)
            if failures > budget:
                raise ToolsExhaustedError(
                    f"the tool {outcome.call.name!r} failed {failures} times in a row; "
                    f"last error: {outcome.error.message}"
                )

    async def _invoke(self, ctx: RunContext[Any], call: ToolCall) -> str:
        # The same innermost handler as the local loop's: find the tool, give it its context,
        # apply the default timeout.
        tool = call.tool
        if not isinstance(tool, Tool):
            available = sorted(self.agent.toolset.names())
            raise UnknownToolError(
                f"There is no tool named {call.name!r}. Available tools: {', '.join(available)}.",
                tool_name=call.name,
                available=available,
                call_id=call.call_id,
            )
        call_ctx = replace(
            ctx,
            call_id=call.call_id,
            tool_name=call.name,
            attempt=self.failures.get(call.name, 0),
        )
        timeout = self.agent.limits.tool_timeout
        if tool.timeout is not None or timeout is None:
            return await tool.invoke(call.arguments, call_ctx)
        try:
            async with asyncio.timeout(timeout):
                return await tool.invoke(call.arguments, call_ctx)
        except TimeoutError:
            raise ToolTimeoutError(
                f"The tool {call.name!r} did not finish within {timeout:g} seconds.",
                tool_name=call.name,
                timeout=timeout,
                call_id=call.call_id,
            ) from None
