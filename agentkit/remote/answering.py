"""Answering a remote run's tool calls locally, exactly as a local run answers them.

The calls go through the same parallel dispatcher, the same ``wrap_tool_call`` middleware
chain and the same innermost handler as in a local run (`agentkit.runs.tool_calls`);
failures count against the same retry budget, so a tool that keeps failing fails the run
with ``tool_error`` here too.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from functools import partial
from typing import TYPE_CHECKING, Any

from agentkit.calls import ToolCall, ToolHandler
from agentkit.context import RunContext
from agentkit.middleware.base import Middleware, build_chain
from agentkit.records import FunctionToolCall
from agentkit.runs.dispatcher import ToolOutcome, dispatch_tools
from agentkit.runs.tool_calls import (
    check_retry_budget,
    count_failures,
    invoke_tool,
    split_calls,
)
from agentkit.tools.approval import needs_approval
from agentkit.tools.base import Tool

if TYPE_CHECKING:
    from agentkit.agent import Agent
    from agentkit.runs.state import DispatchMode

__all__ = ["ToolAnswerer"]


@dataclass
class ToolAnswerer:
    """Runs the calls of each ``requires_action`` that are agentkit's to answer.

    Attributes:
        failures: consecutive failed calls per tool name, across the run.
    """

    agent: Agent[Any, Any]
    ctx: RunContext[Any]
    layers: tuple[Middleware, ...]
    mode: DispatchMode = "auto"
    failures: dict[str, int] = field(default_factory=dict)

    def split(
        self, calls: Sequence[FunctionToolCall]
    ) -> tuple[list[ToolCall], list[FunctionToolCall]]:
        """The calls agentkit runs, and those the caller answers (manual mode, bare definitions)."""
        return split_calls(self.agent, calls, mode=self.mode)

    async def split_approvals(self, calls: list[ToolCall]) -> tuple[list[ToolCall], list[ToolCall]]:
        """The calls to run now, and those a person must decide first (``needs_approval``)."""
        ready: list[ToolCall] = []
        waiting: list[ToolCall] = []
        for call in calls:
            tool = call.tool
            rule = tool.needs_approval if isinstance(tool, Tool) else False
            if not isinstance(rule, bool):
                ctx = replace(self.ctx, call_id=call.call_id, tool_name=call.name)
                rule = await needs_approval(rule, call.arguments, ctx)
            (waiting if rule else ready).append(call)
        return ready, waiting

    async def answer(self, calls: list[ToolCall], run_id: str) -> list[ToolOutcome]:
        """Run ``calls`` in parallel through the middleware; outcomes in call order.

        Raises:
            ToolRetriesExhausted: a tool kept failing beyond its retry budget.
        """
        if not calls:
            return []
        ctx = replace(self.ctx, run_id=run_id)
        inner = partial(invoke_tool, self.agent, self.failures, ctx)
        chain: ToolHandler = build_chain(self.layers, "wrap_tool_call", ctx, inner)
        limits = self.agent.limits
        outcomes = await dispatch_tools(
            calls,
            chain,
            max_concurrency=limits.max_concurrent_tools,
            max_output_chars=limits.max_tool_output_chars,
            emit=ctx.emit,
        )
        count_failures(self.failures, outcomes)
        check_retry_budget(self.agent, self.failures, outcomes)
        return outcomes
