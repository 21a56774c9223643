"""``FunctionTool.invoke``: parsing, validation, execution, errors, timeouts, threads."""

from __future__ import annotations

import asyncio
import contextvars
import threading
from typing import Any

import pytest

from agentkit.context import RunContext
from agentkit.exceptions import (
    ModelRetry,
    ToolArgumentsError,
    ToolError,
    ToolExecutionError,
    ToolTimeoutError,
    ToolValidationError,
    UserError,
)
from agentkit.tools import tool

request_id: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="-")


@tool
def add(a: int, b: int = 1) -> int:
    """Add."""
    return a + b


async def test_sync_tool_returns_its_output_string() -> None:
    assert await add.invoke('{"a": 2, "b": 3}') == "5"


async def test_async_tool_returns_its_output_string() -> None:
    @tool
    async def shout(text: str) -> str:
        return text.upper()

    assert await shout.invoke('{"text": "hi"}') == "HI"


async def test_empty_arguments_string_means_no_arguments() -> None:
    @tool
    def ping() -> str:
        return "pong"

    assert await ping.invoke("") == "pong"


@pytest.mark.parametrize("arguments", ["{not json", "[1, 2]", '"text"'])
async def test_bad_json_or_non_object_is_an_arguments_error(arguments: str) -> None:
    with pytest.raises(ToolArgumentsError) as info:
        await add.invoke(arguments)
    assert info.value.tool_name == "add"
    assert info.value.model_message().startswith("Error: The arguments for tool 'add'")


async def test_validation_error_names_each_bad_field_and_why() -> None:
    with pytest.raises(ToolValidationError) as info:
        await add.invoke('{"b": "many", "c": 1}')

    assert info.value.errors == [
        ("a", "Field required"),
        ("b", "Input should be a valid integer, unable to parse string as an integer"),
        ("c", "unexpected argument: the tool has no parameter with this name"),
    ]
    assert info.value.model_message() == (
        "Error: Invalid arguments for tool 'add':\n"
        "- a: Field required\n"
        "- b: Input should be a valid integer, unable to parse string as an integer\n"
        "- c: unexpected argument: the tool has no parameter with this name\n"
        "Fix these and call the tool again."
    )


async def test_unknown_argument_is_an_error_for_non_strict_tools_too() -> None:
    lenient = add.with_name("add2")
    non_strict = tool(strict=False)(add.func)

    for candidate in (lenient, non_strict):
        with pytest.raises(ToolValidationError, match="- z: unexpected argument"):
            await candidate.invoke('{"a": 1, "z": 2}')


async def test_nested_validation_error_gives_the_field_path() -> None:
    @tool(strict=False)
    def f(points: list[dict[str, int]]) -> None: ...

    with pytest.raises(ToolValidationError) as info:
        await f.invoke('{"points": [{"x": 1}, {"y": "no"}]}')
    assert [field for field, _ in info.value.errors] == ["points.1.y"]


async def test_exception_in_tool_is_an_execution_error_hiding_its_text_by_default() -> None:
    @tool
    def leak() -> None:
        raise RuntimeError("password=hunter2")

    with pytest.raises(ToolExecutionError) as info:
        await leak.invoke("{}")
    assert isinstance(info.value.__cause__, RuntimeError)
    assert "hunter2" not in info.value.model_message()
    assert info.value.model_message() == "Error: the tool 'leak' failed. Try a different approach."


async def test_show_errors_lets_the_model_see_type_and_message() -> None:
    @tool(show_errors=True)
    async def fail() -> None:
        raise ValueError("no such city")

    with pytest.raises(ToolExecutionError) as info:
        await fail.invoke("{}")
    assert info.value.model_message() == "Error: the tool 'fail' failed: ValueError: no such city"


@pytest.mark.parametrize("is_async", [False, True])
async def test_retry_tool_passes_through_unchanged(is_async: bool) -> None:
    def sync_find(name: str) -> str:
        raise ModelRetry(f"no user {name!r}")

    async def async_find(name: str) -> str:
        raise ModelRetry(f"no user {name!r}")

    find = tool(async_find if is_async else sync_find)
    with pytest.raises(ModelRetry) as info:
        await find.invoke('{"name": "bob"}')
    assert info.value.hint == "no user 'bob'"
    assert not isinstance(info.value, ToolError)


async def test_async_tool_over_its_timeout_is_cancelled_and_a_timeout_error() -> None:
    cancelled = asyncio.Event()

    @tool(timeout=0.05)
    async def slow() -> None:
        try:
            await asyncio.sleep(30)
        except asyncio.CancelledError:
            cancelled.set()
            raise

    with pytest.raises(ToolTimeoutError) as info:
        await slow.invoke("{}")
    assert info.value.timeout == 0.05
    assert cancelled.is_set()


async def test_sync_tool_over_its_timeout_is_abandoned_and_a_timeout_error() -> None:
    release = threading.Event()

    @tool(timeout=0.05)
    def stuck() -> None:
        release.wait(30)

    try:
        with pytest.raises(ToolTimeoutError, match="did not finish within 0.05 seconds"):
            await stuck.invoke("{}")
    finally:
        release.set()


async def test_timeout_error_raised_by_the_tool_itself_is_an_execution_error() -> None:
    @tool(timeout=10)
    async def upstream() -> None:
        raise TimeoutError("upstream timed out")

    with pytest.raises(ToolExecutionError):
        await upstream.invoke("{}")


async def test_sync_tools_run_off_the_event_loop_thread() -> None:
    @tool
    def where() -> str:
        return threading.current_thread().name

    name = await where.invoke("{}")
    assert name == "agentkit-tool-where"
    assert name != threading.current_thread().name


async def test_parallel_sync_calls_are_not_limited_by_a_small_pool() -> None:
    # 40 calls that each wait until all 40 have started: a pool smaller than 40 deadlocks.
    barrier = threading.Barrier(40, timeout=20)

    @tool
    def rendezvous() -> int:
        return barrier.wait()

    outputs = await asyncio.gather(*(rendezvous.invoke("{}") for _ in range(40)))
    assert sorted(int(o) for o in outputs) == list(range(40))


async def test_sync_tool_sees_the_callers_contextvars() -> None:
    @tool
    def whoami() -> str:
        return request_id.get()

    token = request_id.set("req-7")
    try:
        assert await whoami.invoke("{}") == "req-7"
    finally:
        request_id.reset(token)


async def test_run_context_is_injected_first() -> None:
    @tool
    def greet(ctx: RunContext[str], name: str) -> str:
        return f"{ctx.deps} {name}"

    assert await greet.invoke('{"name": "Ada"}', RunContext(deps="hello")) == "hello Ada"


async def test_missing_run_context_is_a_user_error() -> None:
    @tool
    def greet(ctx: RunContext[Any], name: str) -> str:
        return name

    with pytest.raises(UserError, match="takes a RunContext"):
        await greet.invoke('{"name": "Ada"}')


async def test_sync_tool_parameters_may_be_called_name_or_call() -> None:
    @tool
    def greet(name: str, call: int) -> str:
        """Greet someone."""
        return f"{name}:{call}"

    assert await greet.invoke('{"name": "ada", "call": 2}') == "ada:2"


async def test_back_to_back_sync_calls_reuse_worker_threads() -> None:
    import threading

    seen: set[int] = set()

    @tool
    def where() -> str:
        """Report the thread."""
        seen.add(threading.get_ident())
        return "ok"

    for _ in range(20):
        await where.invoke("{}")
    assert len(seen) < 20
