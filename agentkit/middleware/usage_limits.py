"""Budgets on model requests, tool calls and tokens per run.

Exceeding a budget ends the run ``incomplete`` with the budget's name as the reason
(``max_requests``, ``max_tool_calls``, ``max_input_tokens``...). Checks happen at the edges
of work, never in the middle of it:

- requests: before a model call, which would be one too many;
- tool calls: when the model's response arrives, before any of its calls is dispatched, so
  a turn's calls run all or not at all;
- tokens: after each model call that asked for tools, from the usage reported so far. A
  call cannot be stopped half-way, so the last one may go over; a final answer that goes
  over is still delivered (its tokens are spent either way), and the run completes.

Counts come from the calls themselves (``call.usage``, ``call.tool_history``,
``call.request.turn``), which the engine saves with the run, so a run resumed after
``requires_action`` (in this process or another) keeps its count, and the middleware holds
no state of its own.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from agentkit.calls import ModelCall, ModelHandler, ModelResponse
from agentkit.context import RunContext
from agentkit.exceptions import UsageLimitExceeded, UserError
from agentkit.middleware.base import Middleware
from agentkit.usage import Usage

__all__ = ["UsageLimitsMiddleware"]


@dataclass
class _Budget:
    usage: Usage


class UsageLimitsMiddleware(Middleware):
    """Ends a run ``incomplete`` when it goes over a budget (None: no limit).

    Args:
        max_requests: model calls per run.
        max_tool_calls: tool calls per run (the calls of the turn that would go over are
            not run).
        max_input_tokens: prompt tokens per run.
        max_output_tokens: completion tokens per run.
        max_total_tokens: prompt plus completion tokens per run.
    """

    def __init__(
        self,
        *,
        max_requests: int | None = None,
        max_tool_calls: int | None = None,
        max_input_tokens: int | None = None,
        max_output_tokens: int | None = None,
        max_total_tokens: int | None = None,
    ) -> None:
        limits = {
            "max_requests": max_requests,
            "max_tool_calls": max_tool_calls,
            "max_input_tokens": max_input_tokens,
            "max_output_tokens": max_output_tokens,
            "max_total_tokens": max_total_tokens,
        }
        for name, value in limits.items():
            if value is not None and (not isinstance(value, int) or value < 0):
                raise UserError(f"UsageLimitsMiddleware: {name} must be an int >= 0, not {value!r}")
        self.max_requests = max_requests
        self.max_tool_calls = max_tool_calls
        self.max_input_tokens = max_input_tokens
        self.max_output_tokens = max_output_tokens
        self.max_total_tokens = max_total_tokens

    async def wrap_model_call(
        self, ctx: RunContext[Any], call: ModelCall, next: ModelHandler
    ) -> ModelResponse:
        if self.max_requests is not None and call.request.turn > self.max_requests:
            raise UsageLimitExceeded(
                f"The run reached its limit of {self.max_requests} model requests.",
                reason="max_requests",
            )
        response = await next(call)
        total = call.usage + response.usage
        if response.tool_calls:
            self._check_tool_calls(len(call.tool_history) + len(response.tool_calls))
            self._check_tokens(total)
        return response

    def _check_tool_calls(self, count: int) -> None:
        if self.max_tool_calls is not None and count > self.max_tool_calls:
            raise UsageLimitExceeded(
                f"The model asked for tool call number {count}; the run's limit is "
                f"{self.max_tool_calls}.",
                reason="max_tool_calls",
            )

    def _check_tokens(self, total: Usage) -> None:
        for reason, limit, used in (
            ("max_input_tokens", self.max_input_tokens, total.input_tokens),
            ("max_output_tokens", self.max_output_tokens, total.output_tokens),
            ("max_total_tokens", self.max_total_tokens, total.total_tokens),
        ):
            if limit is not None and used > limit:
                raise UsageLimitExceeded(
                    f"The run used {used} tokens, over its limit of {limit} ({reason}).",
                    reason=reason,
                )
