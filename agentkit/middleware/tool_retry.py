"""Retry tool calls that failed transiently, for the idempotent tools that opt in.

Retrying a tool runs its side effects again, so nothing is retried unless the tool says so
with a `ToolRetry` policy: ``@tool(retry=ToolRetry(on=(ConnectionError,)))``, a ``retry``
class attribute on a `Tool` subclass, or by name in `ToolRetryMiddleware`'s ``policies``.

Only the exceptions the policy names are retried: the one the tool function raised (the
``__cause__`` of the `ToolExecutionError`), and a timeout when ``on`` includes
`TimeoutError`. Bad arguments and `ModelRetry` are the model's to fix and are never retried
here. When every attempt fails, the last error goes on to the model as usual.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from tenacity import stop_after_attempt

from agentkit.calls import ToolCall, ToolHandler
from agentkit.context import RunContext
from agentkit.middleware.base import Middleware
from agentkit.middleware.retry import retry_with_events
from agentkit.tools.retry import ToolRetry

__all__ = ["ToolRetry", "ToolRetryMiddleware"]


class ToolRetryMiddleware(Middleware):
    """Retries the tool calls whose tool has a `ToolRetry` policy.

    Each retry emits a `RetryEvent` whose ``target`` is the tool's name.

    Args:
        policies: policies by tool name; they win over the tools' own ``retry``.
        default: the policy for tools with none (None: such tools are not retried).
        sleep: the coroutine that waits (tests may pass a fake one).
    """

    def __init__(
        self,
        policies: Mapping[str, ToolRetry] | None = None,
        *,
        default: ToolRetry | None = None,
        sleep: Callable[[float], Awaitable[None]] | None = None,
    ) -> None:
        self.policies = dict(policies or {})
        self.default = default
        self.sleep = sleep

    def policy_for(self, call: ToolCall) -> ToolRetry | None:
        """The policy that applies to ``call``, if any."""
        if call.name in self.policies:
            return self.policies[call.name]
        own = getattr(call.tool, "retry", None)
        return own if isinstance(own, ToolRetry) else self.default

    async def wrap_tool_call(self, ctx: RunContext[Any], call: ToolCall, next: ToolHandler) -> str:
        policy = self.policy_for(call)
        if policy is None or policy.attempts == 1:
            return await next(call)

        async def attempt(number: int) -> str:
            return await next(call)

        return await retry_with_events(
            attempt,
            ctx=ctx,
            target=call.name,
            stop=stop_after_attempt(policy.attempts),
            wait=policy.wait_policy(),
            retry_on=policy.wants,
            sleep=self.sleep,
        )
