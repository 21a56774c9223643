"""Middleware: ordered objects wrapping the run, each model call and each tool call.

A middleware implements any of three async methods. Each receives the run's context, one
request object and ``next``, the rest of the chain; it returns what ``next`` returns (possibly
changed), may call ``next`` several times (retries) or not at all (a cache, a stop policy)::

    class Timing(Middleware):
        async def wrap_tool_call(self, ctx, call, next):
            started = time.perf_counter()
            try:
                return await next(call)
            finally:
                print(call.name, time.perf_counter() - started)

List order is call order, outermost first. The chain is built once per run, and stages a
middleware does not override cost nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import partial
from typing import Any, TypeVar

from agentkit.calls import (
    ModelCall,
    ModelHandler,
    ModelResponse,
    RunCall,
    RunHandler,
    ToolCall,
    ToolHandler,
)
from agentkit.context import RunContext
from agentkit.records import Run

__all__ = [
    "Middleware",
    "ModelCall",
    "ModelHandler",
    "ModelResponse",
    "RunCall",
    "RunHandler",
    "ToolCall",
    "ToolHandler",
    "build_chain",
    "overrides",
]


class Middleware:
    """Base class: every method passes straight through. Override the stages you need."""

    async def wrap_run(self, ctx: RunContext[Any], call: RunCall, next: RunHandler) -> Run:
        """Wrap driving a run; returns the run as it ended or paused."""
        return await next(call)

    async def wrap_model_call(
        self, ctx: RunContext[Any], call: ModelCall, next: ModelHandler
    ) -> ModelResponse:
        """Wrap one model call; returns the complete response."""
        return await next(call)

    async def wrap_tool_call(self, ctx: RunContext[Any], call: ToolCall, next: ToolHandler) -> str:
        """Wrap one tool call; returns the output string or raises `ToolError`."""
        return await next(call)


H = TypeVar("H", RunHandler, ModelHandler, ToolHandler)


def overrides(layer: Middleware, stage: str) -> bool:
    """Whether ``layer`` implements ``stage`` (``wrap_run``, ``wrap_model_call``...)."""
    return getattr(type(layer), stage) is not getattr(Middleware, stage)


def build_chain(middleware: Sequence[Middleware], stage: str, ctx: RunContext[Any], inner: H) -> H:
    """Compose ``inner`` with each middleware's ``stage`` method, the first one outermost."""
    handler: Any = inner
    for layer in reversed(middleware):
        if not overrides(layer, stage):
            continue
        handler = partial(getattr(layer, stage), ctx, next=handler)
    return handler  # type: ignore[no-any-return]
