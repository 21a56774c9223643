"""The bounds every run keeps: turns, wall-clock deadline, tool concurrency and output size."""

from __future__ import annotations

from dataclasses import InitVar, dataclass

from agentkit.deprecation import warn_deprecated
from agentkit.exceptions import UserError

__all__ = ["RunLimits"]


@dataclass(frozen=True, slots=True)
class RunLimits:
    """Bounds on one run. Token and request budgets are `UsageLimitsMiddleware`'s job.

    Attributes:
        max_turns: model calls a run may make; the next one ends it ``incomplete``
            (reason ``max_turns``).
        timeout: seconds from creation until the run ``expired`` (also the deadline for
            submitting outputs to a paused run), like the Assistants API's ``expires_at``
            (whole seconds, rounded up). None: no deadline.
        tool_timeout: seconds a tool call may take when the tool sets no timeout itself.
        max_concurrent_tools: tool calls of one turn that run at the same time.
        max_tool_output_chars: longer tool outputs are cut to this size, with a marker
            saying how much was removed.
        max_model_retries: failed calls of one tool in a row the model may retry; one more
            failure fails the run. A tool's own ``max_model_retries`` wins.
        tool_retries: deprecated name of ``max_model_retries``.
    """

    max_turns: int = 25
    timeout: float | None = 600.0
    tool_timeout: float | None = 120.0
    max_concurrent_tools: int = 16
    max_tool_output_chars: int = 100_000
    max_model_retries: int = 2
    tool_retries: InitVar[int | None] = None

    def __post_init__(self, tool_retries: int | None) -> None:
        if tool_retries is not None:
            warn_deprecated("RunLimits(tool_retries=...)", "RunLimits(max_model_retries=...)")
            object.__setattr__(self, "max_model_retries", tool_retries)
        for name in ("max_turns", "max_concurrent_tools", "max_tool_output_chars"):
            if getattr(self, name) < 1:
                raise UserError(f"RunLimits.{name} must be at least 1")
        if self.max_model_retries < 0:
            raise UserError("RunLimits.max_model_retries must be 0 or more")
        for name in ("timeout", "tool_timeout"):
            value = getattr(self, name)
            if value is not None and value <= 0:
                raise UserError(f"RunLimits.{name} must be positive or None")
