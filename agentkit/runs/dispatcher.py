"""The parallel tool dispatcher: every call of a turn at once, outputs in the model's order."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any

from agentkit.calls import ToolCall, ToolHandler
from agentkit.events import ToolCallFinishedEvent, ToolCallStartedEvent
from agentkit.exceptions import ModelRetry, ToolError
from agentkit.records import ToolCallError
from agentkit.runs.lease import RunLost

__all__ = ["ToolOutcome", "dispatch_tools", "truncate_output"]

# Internal failures go to stdlib logging: silent unless the application configures it.
_log = logging.getLogger("agentkit.dispatcher")


@dataclass(frozen=True, slots=True)
class ToolOutcome:
    """How one call ended: the output the model will see, and the error if it failed."""

    call: ToolCall
    output: str
    error: ToolCallError | None
    duration_ms: float

    @property
    def failed(self) -> bool:
        """Whether the call failed (the model sees an error message as its output)."""
        return self.error is not None


def truncate_output(output: str, limit: int) -> str:
    """``output`` cut to ``limit`` characters, ending with a marker saying what was cut."""
    if len(output) <= limit:
        return output
    marker = (
        f"\n[agentkit: output truncated, {len(output) - limit} of {len(output)} characters removed]"
    )
    keep = max(limit - len(marker), 0)
    return output[:keep] + marker


async def dispatch_tools(
    calls: Sequence[ToolCall],
    handler: ToolHandler,
    *,
    max_concurrency: int,
    max_output_chars: int,
    emit: Callable[[Any], None],
    on_outcome: Callable[[ToolOutcome], Awaitable[None]] | None = None,
) -> list[ToolOutcome]:
    """Run ``calls`` concurrently through ``handler`` and return outcomes in call order.

    A call that fails becomes an outcome with an error; it never cancels or loses its
    siblings. ``on_outcome`` is awaited with each outcome as soon as its call finishes (the
    engine records it then). Cancelling the caller cancels every call still running; so
    does `RunLost` from the handler (the run is no longer ours), which is raised here.
    """
    limit = asyncio.Semaphore(max_concurrency)

    async def run_one(call: ToolCall) -> ToolOutcome:
        async with limit:
            emit(ToolCallStartedEvent(call.call_id, call.name, call.arguments))
            started = time.perf_counter()
            output, error = await _invoke(handler, call)
            duration_ms = (time.perf_counter() - started) * 1000
        output = truncate_output(output, max_output_chars)
        outcome = ToolOutcome(call, output, error, duration_ms)
        if on_outcome is not None:
            await on_outcome(outcome)
        emit(
            ToolCallFinishedEvent(
                call.call_id, call.name, call.arguments, output, error, duration_ms
            )
        )
        return outcome

    if len(calls) == 1:
        return [await run_one(calls[0])]
    try:
        async with asyncio.TaskGroup() as group:
            tasks = [
                group.create_task(run_one(call), name=f"agentkit-tool:{call.name}:{call.call_id}")
                for call in calls
            ]
    except* RunLost as lost:
        raise lost.exceptions[0] from None
    return [task.result() for task in tasks]


async def _invoke(handler: ToolHandler, call: ToolCall) -> tuple[str, ToolCallError | None]:
    try:
        return await handler(call), None
    except RunLost:
        raise
    except ToolError as exc:
        return exc.model_message(), ToolCallError(code=exc.code, message=str(exc))
    except ModelRetry as signal:
        return signal.hint, ToolCallError(code="retry", message=signal.hint)
    except Exception as exc:  # a custom Tool or middleware broke its contract
        _log.exception("tool %r raised outside the ToolError contract", call.name)
        message = f"{type(exc).__name__}: {exc}"
        return (
            f"Error: the tool {call.name!r} failed. Try a different approach.",
            ToolCallError(code="tool_raised", message=message),
        )
