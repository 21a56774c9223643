from __future__ import annotations

import sys
from typing import Any

import pytest
from opentelemetry.sdk.trace import ReadableSpan, TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import StatusCode
from tenacity import wait_none

from agentkit.agent import Agent
from agentkit.exceptions import UserError
from agentkit.middleware import Middleware, OpenTelemetryMiddleware, RetryMiddleware
from agentkit.models import ModelRequest, ResponsesModel
from agentkit.testing import (
    FakeOpenAI,
    FakeReply,
    FakeToolCall,
    FunctionInfo,
    FunctionModel,
    ModelTurn,
    call_tool,
)
from agentkit.tools import tool
from agentkit.usage import Usage

SECRET = "sk-proj-AbCdEfGhIjKlMnOpQrStUvWx"


@tool
def lookup(city: str) -> str:
    """Look up the weather."""
    if city == "Nowhere":
        raise ConnectionError("down")
    return f"sunny in {city}"


@pytest.fixture
def exporter() -> InMemorySpanExporter:
    return InMemorySpanExporter()


def _otel(exporter: InMemorySpanExporter, **options: Any) -> OpenTelemetryMiddleware:
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    return OpenTelemetryMiddleware(provider, **options)


def _script(city: str) -> Any:
    def script(request: ModelRequest, info: FunctionInfo) -> Any:
        if info.turn == 1:
            return ModelTurn(
                tool_calls=(call_tool("lookup", {"city": city}),), usage=Usage(1, 12, 3)
            )
        return ModelTurn(text="It is sunny.", usage=Usage(1, 20, 4))

    return script


async def _run(*layers: Middleware, city: str = "Paris") -> None:
    agent = Agent(
        name="weather", model=FunctionModel(_script(city)), tools=[lookup], middleware=layers
    )
    await agent.run("hi")


def _by_name(exporter: InMemorySpanExporter) -> dict[str, list[ReadableSpan]]:
    spans: dict[str, list[ReadableSpan]] = {}
    for span in exporter.get_finished_spans():
        spans.setdefault(span.name, []).append(span)
    return spans


async def test_model_and_tool_spans_nest_under_the_run_span(exporter: InMemorySpanExporter) -> None:
    await _run(_otel(exporter))
    spans = _by_name(exporter)
    assert sorted(spans) == ["chat function", "execute_tool lookup", "invoke_agent weather"]
    (run,) = spans["invoke_agent weather"]
    children = [*spans["chat function"], *spans["execute_tool lookup"]]
    assert run.parent is None
    assert run.context is not None
    assert [c.parent.span_id for c in children if c.parent] == [run.context.span_id] * 3
    assert {c.context.trace_id for c in children if c.context} == {run.context.trace_id}


async def test_the_run_span_has_genai_attributes(exporter: InMemorySpanExporter) -> None:
    await _run(_otel(exporter))
    (run,) = _by_name(exporter)["invoke_agent weather"]
    attributes = dict(run.attributes or {})
    assert attributes["gen_ai.operation.name"] == "invoke_agent"
    assert attributes["gen_ai.agent.name"] == "weather"
    assert attributes["gen_ai.agent.id"] == "asst_weather"
    assert attributes["gen_ai.usage.input_tokens"] == 32
    assert attributes["gen_ai.usage.output_tokens"] == 7
    assert attributes["agentkit.run.status"] == "completed"
    assert run.status.status_code == StatusCode.UNSET


async def test_chat_spans_have_model_and_usage(exporter: InMemorySpanExporter) -> None:
    await _run(_otel(exporter))
    first, second = _by_name(exporter)["chat function"]
    attributes = dict(first.attributes or {})
    del (
        attributes["gen_ai.conversation.id"],
        attributes["agentkit.run.id"],
        attributes["gen_ai.response.id"],
    )
    assert attributes == {
        "gen_ai.operation.name": "chat",
        "gen_ai.request.model": "function",
        "gen_ai.system": "test",
        "agentkit.turn": 1,
        "agentkit.attempt": 1,
        "gen_ai.usage.input_tokens": 12,
        "gen_ai.usage.output_tokens": 3,
        "gen_ai.response.finish_reasons": ("tool_calls",),
    }
    assert dict(second.attributes or {})["agentkit.turn"] == 2


async def test_tool_spans_have_the_tool_name_and_call_id(exporter: InMemorySpanExporter) -> None:
    await _run(_otel(exporter))
    (span,) = _by_name(exporter)["execute_tool lookup"]
    attributes = dict(span.attributes or {})
    del attributes["agentkit.run.id"]
    assert attributes == {
        "gen_ai.operation.name": "execute_tool",
        "gen_ai.tool.name": "lookup",
        "gen_ai.tool.call.id": "call_fn_1",
        "gen_ai.tool.type": "function",
        "agentkit.attempt": 1,
    }


async def test_a_failed_tool_call_has_error_status(exporter: InMemorySpanExporter) -> None:
    await _run(_otel(exporter), city="Nowhere")
    (span,) = _by_name(exporter)["execute_tool lookup"]
    assert span.status.status_code == StatusCode.ERROR
    assert dict(span.attributes or {})["error.type"] == "tool_raised"


async def test_a_failed_model_call_and_run_have_error_status(
    exporter: InMemorySpanExporter,
) -> None:
    fake = FakeOpenAI([FakeReply.error(400, "Bad request.")])
    model = ResponsesModel("gpt-test", client=fake.client())
    await Agent(name="weather", model=model, middleware=[_otel(exporter)]).run("hi")
    spans = _by_name(exporter)
    (chat,) = spans["chat gpt-test"]
    (run,) = spans["invoke_agent weather"]
    assert chat.status.status_code == StatusCode.ERROR
    assert dict(chat.attributes or {})["error.type"] == "invalid_request_error"
    assert dict(chat.attributes or {})["gen_ai.system"] == "openai"
    assert run.status.status_code == StatusCode.ERROR
    assert dict(run.attributes or {})["agentkit.run.status"] == "failed"


async def test_inside_a_retry_middleware_each_attempt_gets_a_span(
    exporter: InMemorySpanExporter,
) -> None:
    fake = FakeOpenAI(
        [FakeReply.error(500), FakeReply.calls(FakeToolCall("lookup", {"city": "Oslo"})), "ok"]
    )
    model = ResponsesModel("gpt-test", client=fake.client())
    layers = [RetryMiddleware(wait=wait_none()), _otel(exporter)]
    await Agent(name="weather", model=model, tools=[lookup], middleware=layers).run("hi")
    chats = _by_name(exporter)["chat gpt-test"]
    assert [
        (dict(s.attributes or {})["agentkit.attempt"], s.status.status_code) for s in chats
    ] == [
        (1, StatusCode.ERROR),
        (2, StatusCode.UNSET),
        (1, StatusCode.UNSET),
    ]


async def test_content_is_not_captured_by_default(exporter: InMemorySpanExporter) -> None:
    await _run(_otel(exporter))
    for span in exporter.get_finished_spans():
        keys = set(span.attributes or {})
        assert not keys & {
            "gen_ai.tool.call.arguments",
            "gen_ai.tool.call.result",
            "gen_ai.output.text",
        }


async def test_captured_content_is_redacted(exporter: InMemorySpanExporter) -> None:
    await _run(_otel(exporter, capture_content=True), city=SECRET)
    (span,) = _by_name(exporter)["execute_tool lookup"]
    attributes = dict(span.attributes or {})
    assert attributes["gen_ai.tool.call.arguments"] == '{"city": "[REDACTED]"}'
    assert attributes["gen_ai.tool.call.result"] == "sunny in [REDACTED]"


def test_without_opentelemetry_a_clear_user_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "opentelemetry", None)
    with pytest.raises(UserError, match=r"pip install 'agentkit-assistants\[otel\]'"):
        OpenTelemetryMiddleware()
