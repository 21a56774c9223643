"""Structured logs of every run, model call and tool call, with structlog.

`TracingMiddleware` logs through whatever structlog configuration the host application has;
it never calls ``structlog.configure``. While a run is driven, ``run_id``, ``thread_id`` and
``agent`` are bound with `structlog.contextvars` (and ``call_id``, ``tool`` during a tool
call), so the application's own log lines, inside tools too, carry them when its processors
include ``structlog.contextvars.merge_contextvars`` (structlog's default configuration
does).

Events (logger ``agentkit.trace``)::

    run started      run_id thread_id agent model resumed
    model call       run_id turn attempt status duration_ms input_tokens output_tokens
                     finish_reason tool_calls (names) [error_code]
    tool call        run_id call_id tool status duration_ms output_chars [error_code]
    run ended        run_id status duration_ms input_tokens output_tokens [reason|error_code]

Redaction: tool arguments and outputs and message text are left out unless
``log_content=True``; then anything that looks like an API key is still replaced with
``[REDACTED]``. Request headers and client settings are never logged.
"""

from __future__ import annotations

import time
from typing import Any

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
from agentkit.exceptions import ModelError, ModelRetry, ToolError
from agentkit.middleware.base import Middleware
from agentkit.middleware.model_info import model_info
from agentkit.middleware.redaction import redact
from agentkit.middleware.retry import current_attempt
from agentkit.models.request import UserMessageItem
from agentkit.records import Run

__all__ = ["TracingMiddleware"]


def _ms(started: float) -> float:
    return round((time.perf_counter() - started) * 1000, 3)


class TracingMiddleware(Middleware):
    """Logs run start and end, each model call and each tool call, with ids and timings.

    Place it before (outside) `RetryMiddleware` to log one ``model call`` per logical call
    (the retry middleware logs each retry itself), or after it to log every attempt.

    Args:
        log_content: also log message text and tool arguments and outputs (secrets that
            look like API keys are still redacted).
        logger: the structlog logger to use (default ``structlog.get_logger("agentkit.trace")``).
    """

    def __init__(self, *, log_content: bool = False, logger: Any = None) -> None:
        # structlog is imported here, not with agentkit: most programs never trace.
        import structlog
        from structlog.contextvars import bound_contextvars

        self.log_content = log_content
        self.log: Any = logger if logger is not None else structlog.get_logger("agentkit.trace")
        self._bound = bound_contextvars

    def _content(self, text: str) -> str:
        return redact(text)

    async def wrap_run(self, ctx: RunContext[Any], call: RunCall, next: RunHandler) -> Run:
        ids = {"run_id": ctx.run_id, "thread_id": ctx.thread_id, "agent": ctx.agent_name}
        with self._bound(**ids):
            self.log.info("run started", **ids, model=call.run.model, resumed=call.resumed)
            started = time.perf_counter()
            try:
                run = await next(call)
            except BaseException as exc:
                self.log.error(
                    "run ended",
                    **ids,
                    status="error",
                    error=type(exc).__name__,
                    duration_ms=_ms(started),
                )
                raise
            self.log.info("run ended", **ids, **_run_fields(run), duration_ms=_ms(started))
            return run

    async def wrap_model_call(
        self, ctx: RunContext[Any], call: ModelCall, next: ModelHandler
    ) -> ModelResponse:
        info = model_info(call)
        fields: dict[str, Any] = {
            "run_id": ctx.run_id,
            "turn": call.request.turn,
            "attempt": current_attempt(),
            "model": info.name,
            "provider": info.provider,
        }
        if self.log_content:
            fields["input"] = self._content(_last_user_text(call))
        started = time.perf_counter()
        try:
            response = await next(call)
        except ModelError as exc:
            self.log.warning(
                "model call",
                **fields,
                status="error",
                error_code=exc.code,
                status_code=exc.status_code,
                retryable=exc.retryable,
                duration_ms=_ms(started),
            )
            raise
        fields.update(
            status="ok",
            duration_ms=_ms(started),
            input_tokens=response.usage.input_tokens,
            output_tokens=response.usage.output_tokens,
            finish_reason=response.finish_reason,
            response_id=response.response_id,
            tool_calls=[c.name for c in response.tool_calls],
        )
        if self.log_content:
            fields["output"] = self._content(response.text)
            fields["tool_arguments"] = [self._content(c.arguments) for c in response.tool_calls]
        self.log.info("model call", **fields)
        return response

    async def wrap_tool_call(self, ctx: RunContext[Any], call: ToolCall, next: ToolHandler) -> str:
        ids = {"call_id": call.call_id, "tool": call.name}
        fields: dict[str, Any] = {"run_id": ctx.run_id, **ids, "attempt": current_attempt()}
        if self.log_content:
            fields["arguments"] = self._content(call.arguments)
        with self._bound(**ids):
            started = time.perf_counter()
            try:
                output = await next(call)
            except (ToolError, ModelRetry) as exc:
                code = exc.code if isinstance(exc, ToolError) else "retry"
                self.log.warning(
                    "tool call", **fields, status="error", error_code=code, duration_ms=_ms(started)
                )
                raise
            extra = {"output": self._content(output)} if self.log_content else {}
            self.log.info(
                "tool call",
                **fields,
                status="ok",
                duration_ms=_ms(started),
                output_chars=len(output),
                **extra,
            )
            return output


def _run_fields(run: Run) -> dict[str, Any]:
    fields: dict[str, Any] = {"status": run.status}
    if run.usage is not None:
        fields["input_tokens"] = run.usage.prompt_tokens
        fields["output_tokens"] = run.usage.completion_tokens
    if run.incomplete_details is not None:
        fields["reason"] = run.incomplete_details.reason
    if run.last_error is not None:
        fields["error_code"] = run.last_error.code
    return fields


def _last_user_text(call: ModelCall) -> str:
    for item in reversed(call.request.items):
        if isinstance(item, UserMessageItem):
            return item.text
    return ""
