"""OpenTelemetry spans for runs, model calls and tool calls (the ``otel`` extra).

Spans follow the OpenTelemetry GenAI semantic conventions and nest::

    invoke_agent {agent}        gen_ai.operation.name=invoke_agent, gen_ai.agent.name/.id,
    │                           gen_ai.conversation.id, gen_ai.usage.*, agentkit.run.status
    ├── chat {model}            gen_ai.operation.name=chat, gen_ai.request.model,
    │                           gen_ai.system, gen_ai.usage.input_tokens/output_tokens,
    │                           gen_ai.response.id, gen_ai.response.finish_reasons
    └── execute_tool {tool}     gen_ai.operation.name=execute_tool, gen_ai.tool.name,
                                gen_ai.tool.call.id, gen_ai.tool.type

A failed call or run gets the ``ERROR`` status and ``error.type``. Message text and tool
arguments and results are recorded only with ``capture_content=True`` (secrets that look
like API keys are redacted even then). opentelemetry is imported when the middleware is
built, so agentkit works without it.
"""

from __future__ import annotations

import contextvars
from typing import TYPE_CHECKING, Any

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
from agentkit.exceptions import ModelError, ModelRetry, ToolError, UserError
from agentkit.middleware.base import Middleware
from agentkit.middleware.model_info import model_info
from agentkit.middleware.redaction import redact
from agentkit.middleware.retry import current_attempt
from agentkit.records import Run

if TYPE_CHECKING:
    from opentelemetry.trace import Span, TracerProvider

__all__ = ["OpenTelemetryMiddleware"]

# The run's model name, for the spans of its model calls.
_run_model: contextvars.ContextVar[str | None] = contextvars.ContextVar(
    "agentkit_otel_model", default=None
)


def _import_trace() -> Any:
    try:
        from opentelemetry import trace
    except ImportError as exc:
        raise UserError(
            "OpenTelemetryMiddleware needs opentelemetry: pip install 'agentkit-assistants[otel]'"
        ) from exc
    return trace


class OpenTelemetryMiddleware(Middleware):
    """Records a span per run, model call and tool call, nested, with GenAI attributes.

    Args:
        tracer_provider: where spans go (default: the global provider).
        capture_content: also record message text and tool arguments and results.

    Raises:
        UserError: opentelemetry is not installed.
    """

    def __init__(
        self, tracer_provider: TracerProvider | None = None, *, capture_content: bool = False
    ) -> None:
        self._trace = _import_trace()
        self.capture_content = capture_content
        self.tracer = self._trace.get_tracer("agentkit", tracer_provider=tracer_provider)

    def _span(self, name: str, kind: str, attributes: dict[str, Any]) -> Any:
        clean = {k: v for k, v in attributes.items() if v is not None}
        return self.tracer.start_as_current_span(
            name,
            kind=getattr(self._trace.SpanKind, kind),
            attributes=clean,
            record_exception=False,
            set_status_on_exception=False,
        )

    def _fail(self, span: Span, error_type: str, message: str) -> None:
        span.set_attribute("error.type", error_type)
        span.set_status(self._trace.Status(self._trace.StatusCode.ERROR, message))

    async def wrap_run(self, ctx: RunContext[Any], call: RunCall, next: RunHandler) -> Run:
        run = call.run
        attributes = {
            "gen_ai.operation.name": "invoke_agent",
            "gen_ai.agent.name": ctx.agent_name,
            "gen_ai.agent.id": run.assistant_id,
            "gen_ai.conversation.id": ctx.thread_id,
            "gen_ai.request.model": run.model,
            "agentkit.run.id": ctx.run_id,
            "agentkit.run.resumed": call.resumed,
        }
        token = _run_model.set(run.model)
        try:
            with self._span(f"invoke_agent {ctx.agent_name}", "INTERNAL", attributes) as span:
                try:
                    ended = await next(call)
                except BaseException as exc:
                    self._fail(span, type(exc).__name__, str(exc))
                    raise
                self._end_run(span, ended)
                return ended
        finally:
            _run_model.reset(token)

    def _end_run(self, span: Span, run: Run) -> None:
        span.set_attribute("agentkit.run.status", run.status)
        if run.usage is not None:
            span.set_attribute("gen_ai.usage.input_tokens", run.usage.prompt_tokens)
            span.set_attribute("gen_ai.usage.output_tokens", run.usage.completion_tokens)
        if run.incomplete_details is not None:
            span.set_attribute("agentkit.run.incomplete_reason", run.incomplete_details.reason)
        if run.last_error is not None:
            self._fail(span, run.last_error.code, run.last_error.message)
        elif run.status in ("cancelled", "expired"):
            self._fail(span, run.status, f"the run ended {run.status}")

    async def wrap_model_call(
        self, ctx: RunContext[Any], call: ModelCall, next: ModelHandler
    ) -> ModelResponse:
        info = model_info(call)
        model = info.name or _run_model.get()
        attributes = {
            "gen_ai.operation.name": "chat",
            "gen_ai.request.model": model,
            "gen_ai.system": info.provider,
            "gen_ai.conversation.id": ctx.thread_id,
            "agentkit.run.id": ctx.run_id,
            "agentkit.turn": call.request.turn,
            "agentkit.attempt": current_attempt(),
        }
        with self._span(f"chat {model or 'unknown'}", "CLIENT", attributes) as span:
            try:
                response = await next(call)
            except ModelError as exc:
                self._fail(span, exc.code, str(exc))
                raise
            span.set_attribute("gen_ai.usage.input_tokens", response.usage.input_tokens)
            span.set_attribute("gen_ai.usage.output_tokens", response.usage.output_tokens)
            span.set_attribute("gen_ai.response.finish_reasons", [response.finish_reason])
            if response.response_id:
                span.set_attribute("gen_ai.response.id", response.response_id)
            if self.capture_content and response.text:
                span.set_attribute("gen_ai.output.text", redact(response.text))
            return response

    async def wrap_tool_call(self, ctx: RunContext[Any], call: ToolCall, next: ToolHandler) -> str:
        attributes = {
            "gen_ai.operation.name": "execute_tool",
            "gen_ai.tool.name": call.name,
            "gen_ai.tool.call.id": call.call_id,
            "gen_ai.tool.type": "function",
            "agentkit.run.id": ctx.run_id,
            "agentkit.attempt": current_attempt(),
        }
        if self.capture_content:
            attributes["gen_ai.tool.call.arguments"] = redact(call.arguments)
        with self._span(f"execute_tool {call.name}", "INTERNAL", attributes) as span:
            try:
                output = await next(call)
            except ToolError as exc:
                self._fail(span, exc.code, str(exc))
                raise
            except ModelRetry as signal:
                self._fail(span, "retry", signal.hint)
                raise
            if self.capture_content:
                span.set_attribute("gen_ai.tool.call.result", redact(output))
            return output
