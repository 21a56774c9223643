"""``max_prompt_tokens`` / ``max_completion_tokens``: a run's token budgets, as middleware."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from agentkit.calls import ModelCall, ModelHandler, ModelResponse
from agentkit.context import RunContext
from agentkit.exceptions import UsageLimitExceeded
from agentkit.middleware.base import Middleware

__all__ = ["TokenBudgetMiddleware"]


class TokenBudgetMiddleware(Middleware):
    """Ends a run ``incomplete`` once it has used its prompt or completion token budget.

    The budgets count across the whole run, including model calls made before a
    ``requires_action`` pause (``call.usage`` is the run's usage so far, saved with the run).
    A model call is never cut by the prompt budget; the completion budget left is passed on
    as the call's ``max_output_tokens``, so the API stops the answer at the budget.

    Args:
        max_prompt_tokens: the run's ``max_prompt_tokens`` (None: no budget).
        max_completion_tokens: the run's ``max_completion_tokens`` (None: no budget).
    """

    def __init__(self, max_prompt_tokens: int | None, max_completion_tokens: int | None) -> None:
        self.max_prompt_tokens = max_prompt_tokens
        self.max_completion_tokens = max_completion_tokens

    async def wrap_model_call(
        self, ctx: RunContext[Any], call: ModelCall, next: ModelHandler
    ) -> ModelResponse:
        used = call.usage
        prompt_limit, completion_limit = self.max_prompt_tokens, self.max_completion_tokens
        if prompt_limit is not None and used.input_tokens >= prompt_limit:
            raise UsageLimitExceeded(
                f"The run used {used.input_tokens} prompt tokens of its {prompt_limit}.",
                reason="max_prompt_tokens",
            )
        if completion_limit is not None:
            left = completion_limit - used.output_tokens
            if left <= 0:
                raise UsageLimitExceeded(
                    f"The run used {used.output_tokens} completion tokens of its "
                    f"{completion_limit}.",
                    reason="max_completion_tokens",
                )
            settings = replace(call.request.settings, max_output_tokens=max(left, 16))
            call = replace(call, request=replace(call.request, settings=settings))
        return await next(call)
