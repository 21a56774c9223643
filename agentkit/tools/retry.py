"""`ToolRetry`: how to call a tool again after a transient failure (a policy, no I/O).

A tool opts in with ``@tool(retry=ToolRetry(...))`` (or a ``retry`` attribute on a `Tool`
subclass); `agentkit.middleware.ToolRetryMiddleware` applies the policies.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from agentkit.exceptions import ToolExecutionError, ToolTimeoutError, UserError

if TYPE_CHECKING:
    from tenacity.wait import wait_base

__all__ = ["ToolRetry"]


def _default_wait() -> wait_base:
    # tenacity (and tornado, which it imports when installed) loads when a policy is made,
    # not with `@tool`, which imports this module.
    from tenacity import wait_exponential_jitter

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
        from tenacity import wait_fixed
        from tenacity.wait import wait_base

        if isinstance(self.wait, wait_base):
            return self.wait
        return wait_fixed(float(self.wait))
