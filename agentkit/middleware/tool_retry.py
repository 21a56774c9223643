"""Retry tool calls that failed transiently, for the idempotent tools that opt in.

Retrying a tool runs its side effects again, so nothing is retried unless the tool says so
with a `ToolRetry` policy: ``@tool(retry=ToolRetry(on=(ConnectionError,)))``, a ``retry``
class attribute on a `Tool` subclass, or by name in `ToolRetryMiddleware`'s ``policies``.

Only the exceptions the policy names are retried: the one the tool function raised (the
``__cause__`` of the `ToolExecutionError`), and a timeout when ``on`` includes
`TimeoutError`. Bad arguments and `RetryTool` are the model's to fix and are never retried
here. When every attempt fails, the last error goes on to the model as usual.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from tenacity import stop_after_attempt, wait_exponential_jitter, wait_fixed
from tenacity.wait import wait_base

from agentkit.context import RunContext
from agentkit.exceptions import ToolExecutionError, ToolTimeoutError, UserError
from agentkit.middleware.base import Middleware, ToolCall, ToolHandler
from agentkit.middleware.retry import retry_with_events

__all__ = ["ToolRetry", "ToolRetryMiddleware"]


def _default_wait() -> wait_base:
    return wait_exponential_jitter(multiplier=0.2, max=5, jitter=0.2)


@dataclass(frozen=True, slots=True)
class ToolRetry:
    """How to retry one tool's transient failures.

    Attributes:
        on: the exception types worth another attempt (``ConnectionError``, ``TimeoutError``,
            an SDK's transient error...).
        attempts: the most calls made in total, the first included.
        wait: the wait between attempts (a tenacity wait object or seconds); by default
            exponential backoff from 0.2 s with jitter, at most 5 s.
    """

    on: tuple[type[BaseException], ...] = (ConnectionError, TimeoutError)
    attempts: int = 3
    wait: wait_base | float = field(default_factory=_default_wait)

    def __post_init__(self) -> None:
        if not self.on or not all(
            isinstance(kind, type) and issubclass(kind, BaseException) for kind in self.on
        ):
            raise UserError(f"ToolRetry: on must be a tuple of exception types, got {self.on!r}")
        if not isinstance(self.attempts, int) or self.attempts < 1:
            raise UserError(f"ToolRetry: attempts must be an int >= 1, got {self.attempts!r}")

    def wants(self, error: BaseException) -> bool:
        """Whether ``error`` (as the tool call raised it) is worth another attempt."""
        if isinstance(error, ToolExecutionError):
            return isinstance(error.__cause__, self.on)
        if isinstance(error, ToolTimeoutError):
            return any(issubclass(TimeoutError, kind) for kind in self.on)
        return False

    def wait_policy(self) -> wait_base:
        """``wait`` as a tenacity wait object."""
        if isinstance(self.wait, wait_base):
            return self.wait
        return wait_fixed(float(self.wait))


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
