"""``max_prompt_tokens`` / ``max_completion_tokens``: a run's token budgets, as middleware."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from agentkit.calls import ModelCall, ModelHandler, ModelResponse, RunCall, RunHandler
from agentkit.context import RunContext
from agentkit.exceptions import UsageLimitExceeded
from agentkit.middleware.base import Middleware
from agentkit.records import Run
from agentkit.stores.base import Store
from agentkit.usage import Usage

__all__ = ["TokenBudgetMiddleware"]


class TokenBudgetMiddleware(Middleware):
    """Ends a run ``incomplete`` once it has used its prompt or completion token budget.

    The budgets are the run's own ``max_prompt_tokens`` and ``max_completion_tokens`` and count
    across the whole run, including model calls made before a ``requires_action`` pause (read
    back from the store, so a run resumed by another process keeps its count). A model call is
    never cut by the prompt budget; the completion budget left is passed on as the call's
    ``max_output_tokens``, so the API stops the answer at the budget.

    Args:
        store: the store holding the run's engine state.
    """

    def __init__(self, store: Store) -> None:
        self.store = store
        self._used = Usage()
        self._run: Run | None = None

    async def wrap_run(self, ctx: RunContext[Any], call: RunCall, next: RunHandler) -> Run:
        self._run = call.run
        if call.resumed:
            saved = (await self.store.get_run_state(call.run.id)).get("usage", {})
            self._used = Usage(**{k: int(v) for k, v in saved.items()})
        return await next(call)

    async def wrap_model_call(
        self, ctx: RunContext[Any], call: ModelCall, next: ModelHandler
    ) -> ModelResponse:
        run = self._run
        if run is None:
            return await next(call)
        prompt_limit, completion_limit = run.max_prompt_tokens, run.max_completion_tokens
        if prompt_limit is not None and self._used.input_tokens >= prompt_limit:
            raise UsageLimitExceeded(
                f"The run used {self._used.input_tokens} prompt tokens of its {prompt_limit}.",
                reason="max_prompt_tokens",
            )
        if completion_limit is not None:
            left = completion_limit - self._used.output_tokens
            if left <= 0:
                raise UsageLimitExceeded(
                    f"The run used {self._used.output_tokens} completion tokens of its "
                    f"{completion_limit}.",
                    reason="max_completion_tokens",
                )
            settings = replace(call.request.settings, max_output_tokens=max(left, 16))
            call = replace(call, request=replace(call.request, settings=settings))
        response = await next(call)
        self._used = self._used + response.usage
        return response
