from __future__ import annotations

from collections.abc import MutableMapping
from typing import Any

import structlog
from dirty_equals import IsFloat, IsStr
from structlog.contextvars import merge_contextvars
from structlog.testing import capture_logs

from agentkit.agent import Agent
from agentkit.middleware import TracingMiddleware
from agentkit.models import ModelRequest
from agentkit.runs.result import RunResult
from agentkit.testing import FunctionInfo, FunctionModel, ModelTurn, call_tool
from agentkit.tools import tool
from agentkit.usage import Usage

SECRET = "sk-proj-AbCdEfGhIjKlMnOpQrStUvWx"
log = structlog.get_logger("user.tools")


@tool
def lookup(city: str) -> str:
    """Look up the weather."""
    log.info("looking up", city=city)
    return f"sunny in {city}"


@tool
async def alookup(city: str) -> str:
    """Look up the weather (async)."""
    log.info("looking up", city=city)
    return f"rainy in {city}"


@tool
def broken(city: str) -> str:
    """Always fails."""
    raise ConnectionError("down")


def _script(name: str) -> Any:
    def script(request: ModelRequest, info: FunctionInfo) -> Any:
        if info.turn == 1:
            return ModelTurn(
                tool_calls=(call_tool(name, {"city": "Paris"}),), usage=Usage(1, 12, 3)
            )
        return ModelTurn(text="It is sunny.", usage=Usage(1, 20, 4))

    return script


async def _run(name: str = "lookup", *, log_content: bool = False, text: str = "hi") -> RunResult:
    agent = Agent(
        name="weather",
        model=FunctionModel(_script(name)),
        tools=[lookup, alookup, broken],
        middleware=[TracingMiddleware(log_content=log_content)],
    )
    return await agent.run(text)


def _events(logs: list[MutableMapping[str, Any]], event: str) -> list[MutableMapping[str, Any]]:
    return [entry for entry in logs if entry["event"] == event]


async def test_run_start_and_end_are_logged_with_ids_and_usage() -> None:
    with capture_logs() as logs:
        result = await _run()
    ids = {"run_id": result.run.id, "thread_id": result.thread_id, "agent": "weather"}
    assert _events(logs, "run started") == [
        {"event": "run started", "log_level": "info", **ids, "model": "function", "resumed": False}
    ]
    assert _events(logs, "run ended") == [
        {
            "event": "run ended",
            "log_level": "info",
            **ids,
            "status": "completed",
            "input_tokens": 32,
            "output_tokens": 7,
            "duration_ms": IsFloat(ge=0),
        }
    ]


async def test_each_model_call_is_logged_without_content_by_default() -> None:
    with capture_logs() as logs:
        result = await _run()
    calls = _events(logs, "model call")
    assert calls[0] == {
        "event": "model call",
        "log_level": "info",
        "run_id": result.run.id,
        "turn": 1,
        "attempt": 1,
        "model": "function",
        "provider": "test",
        "status": "ok",
        "duration_ms": IsFloat(ge=0),
        "input_tokens": 12,
        "output_tokens": 3,
        "finish_reason": "tool_calls",
        "response_id": IsStr(),
        "tool_calls": ["lookup"],
    }
    assert [c["turn"] for c in calls] == [1, 2]


async def test_each_tool_call_is_logged_without_arguments_or_output_by_default() -> None:
    with capture_logs() as logs:
        result = await _run()
    assert _events(logs, "tool call") == [
        {
            "event": "tool call",
            "log_level": "info",
            "run_id": result.run.id,
            "call_id": "call_fn_1",
            "tool": "lookup",
            "attempt": 1,
            "status": "ok",
            "duration_ms": IsFloat(ge=0),
            "output_chars": 14,
        }
    ]


async def test_a_failed_tool_call_is_logged_with_its_error_code() -> None:
    with capture_logs() as logs:
        await _run("broken")
    (entry,) = _events(logs, "tool call")
    assert (entry["status"], entry["error_code"], entry["log_level"]) == (
        "error",
        "tool_raised",
        "warning",
    )


async def test_content_is_logged_when_opted_in() -> None:
    with capture_logs() as logs:
        await _run(log_content=True, text="Weather in Paris?")
    (tool_entry,) = _events(logs, "tool call")
    assert tool_entry["arguments"] == '{"city": "Paris"}'
    assert tool_entry["output"] == "sunny in Paris"
    first, second = _events(logs, "model call")
    assert first["input"] == "Weather in Paris?"
    assert first["tool_arguments"] == ['{"city": "Paris"}']
    assert second["output"] == "It is sunny."


async def test_an_api_key_in_the_request_is_never_logged() -> None:
    for log_content in (False, True):
        with capture_logs() as logs:
            await _run(log_content=log_content, text=f"my key is {SECRET}, weather?")
        assert logs
        assert SECRET not in repr(logs)


async def test_a_sync_tools_own_log_lines_carry_the_run_and_call_ids() -> None:
    with capture_logs(processors=[merge_contextvars]) as logs:
        result = await _run("lookup")
    (entry,) = _events(logs, "looking up")
    assert entry["run_id"] == result.run.id
    assert entry["thread_id"] == result.thread_id
    assert entry["call_id"] == "call_fn_1"
    assert entry["tool"] == "lookup"


async def test_an_async_tools_own_log_lines_carry_the_run_and_call_ids() -> None:
    with capture_logs(processors=[merge_contextvars]) as logs:
        result = await _run("alookup")
    (entry,) = _events(logs, "looking up")
    assert (entry["run_id"], entry["call_id"], entry["tool"]) == (
        result.run.id,
        "call_fn_1",
        "alookup",
    )


async def test_ids_are_unbound_after_the_run() -> None:
    await _run()
    assert structlog.contextvars.get_contextvars() == {}


async def test_tracing_never_configures_structlog() -> None:
    configured = structlog.is_configured()
    await _run()
    assert structlog.is_configured() == configured
