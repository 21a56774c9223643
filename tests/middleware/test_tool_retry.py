from __future__ import annotations

import asyncio
from typing import Any

import pytest
from tenacity import wait_none

from agentkit.agent import Agent
from agentkit.events import RetryEvent
from agentkit.exceptions import UserError
from agentkit.middleware import ToolRetry, ToolRetryMiddleware
from agentkit.models import ModelRequest
from agentkit.runs.result import RunResult
from agentkit.testing import FunctionInfo, FunctionModel, call_tool
from agentkit.tools import tool
from agentkit.tools.base import Tool

NO_WAIT = ToolRetry(on=(ConnectionError,), attempts=3, wait=wait_none())


def _script(request: ModelRequest, info: FunctionInfo) -> Any:
    return call_tool("fetch", {}) if info.turn == 1 else "done"


async def _run(fetch: Tool, *layers: ToolRetryMiddleware) -> RunResult:
    agent = Agent(name="a", model=FunctionModel(_script), tools=[fetch], middleware=layers)
    return await agent.run("go", keep_events=True)


def _flaky(failures: int, error: type[Exception] = ConnectionError) -> tuple[Tool, list[int]]:
    calls: list[int] = []

    @tool
    def fetch() -> str:
        """Fetch the page."""
        calls.append(1)
        if len(calls) <= failures:
            raise error("reset by peer")
        return "page"

    return fetch, calls


async def test_a_sync_tool_is_retried_until_it_succeeds() -> None:
    fetch, calls = _flaky(2)
    fetch.retry = NO_WAIT
    result = await _run(fetch, ToolRetryMiddleware())

    assert [c.function.output for c in result.tool_calls] == ["page"]
    assert len(calls) == 3


async def test_an_async_tool_is_retried_until_it_succeeds() -> None:
    calls: list[int] = []

    @tool
    async def fetch() -> str:
        """Fetch the page."""
        calls.append(1)
        if len(calls) == 1:
            raise ConnectionResetError("reset")
        return "page"

    fetch.retry = NO_WAIT
    result = await _run(fetch, ToolRetryMiddleware())
    assert [c.function.output for c in result.tool_calls] == ["page"]


async def test_each_tool_retry_emits_an_event_named_for_the_tool() -> None:
    fetch, _ = _flaky(2)
    fetch.retry = NO_WAIT
    result = await _run(fetch, ToolRetryMiddleware())

    retries = [e for e in result.events if isinstance(e, RetryEvent)]
    assert [(e.target, e.attempt) for e in retries] == [("fetch", 1), ("fetch", 2)]
    assert (
        retries[0].error == "ToolExecutionError: Tool 'fetch' raised ConnectionError: reset by peer"
    )


async def test_exceptions_the_policy_does_not_name_are_not_retried() -> None:
    fetch, calls = _flaky(1, error=ValueError)
    fetch.retry = NO_WAIT
    result = await _run(fetch, ToolRetryMiddleware())

    assert len(calls) == 1
    assert result.tool_calls[0].error is not None


async def test_tools_without_a_policy_are_not_retried() -> None:
    fetch, calls = _flaky(1)
    await _run(fetch, ToolRetryMiddleware())
    assert len(calls) == 1


async def test_when_attempts_run_out_the_last_error_reaches_the_model() -> None:
    fetch, calls = _flaky(10)
    fetch.retry = NO_WAIT
    result = await _run(fetch, ToolRetryMiddleware())

    assert len(calls) == 3
    error = result.tool_calls[0].error
    assert error is not None and error.code == "tool_raised"


async def test_a_policy_given_by_name_wins_over_the_tools_own() -> None:
    fetch, calls = _flaky(3)
    fetch.retry = NO_WAIT
    policy = ToolRetry(on=(ConnectionError,), attempts=4, wait=0)
    result = await _run(fetch, ToolRetryMiddleware({"fetch": policy}))

    assert len(calls) == 4
    assert result.tool_calls[0].function.output == "page"


async def test_a_timeout_is_retried_when_the_policy_names_timeout_error() -> None:
    calls: list[int] = []

    @tool(timeout=0.05)
    async def fetch() -> str:
        """Fetch the page."""
        calls.append(1)
        if len(calls) == 1:
            await asyncio.sleep(10)
        return "page"

    fetch.retry = ToolRetry(on=(TimeoutError,), attempts=2, wait=wait_none())
    result = await _run(fetch, ToolRetryMiddleware())
    assert result.tool_calls[0].function.output == "page"


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"attempts": 0}, "attempts must be an int >= 1"),
        ({"on": ()}, "on must be a tuple of exception types"),
        ({"on": ("ConnectionError",)}, "on must be a tuple of exception types"),
    ],
)
def test_a_bad_policy_is_refused_at_construction(options: dict[str, Any], message: str) -> None:
    with pytest.raises(UserError, match=message):
        ToolRetry(**options)


async def test_the_tool_decorator_takes_a_retry_policy_used_by_default() -> None:
    from agentkit import Agent, tool
    from agentkit.testing import FunctionModel, call_tool, text

    attempts: list[int] = []

    @tool(retry=ToolRetry(on=(ConnectionError,), attempts=3, wait=0))
    def fetch(url: str) -> str:
        """Fetch a page."""
        attempts.append(1)
        if len(attempts) < 3:
            raise ConnectionError("reset by peer")
        return "page"

    def script(request, info):  # type: ignore[no-untyped-def]
        if info.turn == 1:
            return call_tool("fetch", {"url": "https://example.test"})
        return text("done")

    result = await Agent(name="a", model=FunctionModel(script), tools=[fetch]).run(
        "go", keep_events=True
    )
    assert result.tool_calls[0].function.output == "page"
    assert len(attempts) == 3
    assert [e.kind for e in result.events].count("retry") == 2


def test_the_tool_decorator_rejects_a_retry_that_is_not_a_policy() -> None:
    import pytest

    from agentkit import UserError, tool

    with pytest.raises(UserError, match="retry must be a ToolRetry"):

        @tool(retry=3)  # type: ignore[call-overload, untyped-decorator]
        def fetch(url: str) -> str:
            return url
