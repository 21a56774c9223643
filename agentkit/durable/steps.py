"""Each model call and each tool call of a run is one step of its DBOS workflow.

`DBOSStepsMiddleware` is the innermost middleware of a run a worker drives: what it wraps is
the call itself (the model's stream; the tool's "started" mark and invocation), so retries
and tracing around it are workflow code, and every attempt is a step of its own. A step
records a JSON summary of its call (what DBOS's tools show), never the call's objects.

The steps are a record, not a replay log: a workflow continued after a crash starts from the
run's recorded state in the store (see `agentkit.durable.workflow`), where the store's rules
decide what a call in flight becomes.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from dbos import DBOS

from agentkit.calls import ModelCall, ModelHandler, ModelResponse, ToolCall, ToolHandler
from agentkit.context import RunContext
from agentkit.middleware.base import Middleware

__all__ = ["DBOSStepsMiddleware"]

C = TypeVar("C")
R = TypeVar("R")


class DBOSStepsMiddleware(Middleware):
    """Runs each model call and tool call as a DBOS step of the current workflow."""

    async def wrap_model_call(
        self, ctx: RunContext[Any], call: ModelCall, next: ModelHandler
    ) -> ModelResponse:
        return await _as_step(f"agentkit.model:{call.request.turn}", next, call, _model_summary)

    async def wrap_tool_call(self, ctx: RunContext[Any], call: ToolCall, next: ToolHandler) -> str:
        return await _as_step(f"agentkit.tool:{call.name}", next, call, _tool_summary(call))


async def _as_step(
    name: str,
    handler: Callable[[C], Awaitable[R]],
    call: C,
    summary: Callable[[R], dict[str, Any]],
) -> R:
    # The call's result and error stay in this process: DBOS records only the summary, so
    # neither needs to be serializable (and exceptions keep their type).
    outcome: dict[str, Any] = {}

    async def step() -> dict[str, Any]:
        try:
            outcome["value"] = await handler(call)
        except Exception as exc:
            outcome["error"] = exc
            return {"error": type(exc).__name__, "message": str(exc)[:500]}
        return summary(outcome["value"])

    await DBOS.run_step_async({"name": name}, step)
    if "error" in outcome:
        raise outcome["error"]
    if "value" not in outcome:
        raise RuntimeError(
            f"DBOS answered step {name!r} from its record instead of running it; agentkit "
            "workflows continue from the store and must never replay recorded steps"
        )
    value: R = outcome["value"]
    return value


def _model_summary(response: ModelResponse) -> dict[str, Any]:
    return {
        "response_id": response.response_id,
        "text_chars": len(response.text),
        "tool_calls": [{"id": c.call_id, "name": c.name} for c in response.tool_calls],
        "input_tokens": response.usage.input_tokens,
        "output_tokens": response.usage.output_tokens,
        "finish_reason": response.finish_reason,
    }


def _tool_summary(call: ToolCall) -> Callable[[str], dict[str, Any]]:
    def summary(output: str) -> dict[str, Any]:
        return {"call_id": call.call_id, "output_chars": len(output)}

    return summary
