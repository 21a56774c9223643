"""The parallel dispatcher: concurrency, order, failures, budgets, limits."""

from __future__ import annotations

import asyncio
import time
from typing import Any

from agentkit.agent import Agent
from agentkit.events import ToolCallFinishedEvent, ToolCallStartedEvent
from agentkit.exceptions import ModelRetry
from agentkit.limits import RunLimits
from agentkit.runner import Runner
from agentkit.testing import FunctionModel

from .conftest import FnTool, ListToolset, Script, requests_of


def fan_out(n: int, name: str = "work") -> list[tuple[str, str, dict[str, Any]]]:
    return [(f"c{i}", name, {"i": i}) for i in range(n)]


async def test_eight_calls_of_one_turn_overlap_in_time() -> None:
    spans: dict[int, tuple[float, float]] = {}

    async def work(i: int) -> str:
        started = time.perf_counter()
        await asyncio.sleep(0.1)
        spans[i] = (started, time.perf_counter())
        return str(i)

    model = FunctionModel(Script([fan_out(8), "done"]))
    agent = Agent(name="a", model=model, tools=ListToolset(FnTool("work", work)))
    result = await Runner().run(agent, "go")
    assert result.status == "completed"
    latest_start = max(s for s, _ in spans.values())
    earliest_end = min(e for _, e in spans.values())
    assert latest_start < earliest_end, "every call started before any finished"


async def test_outputs_follow_the_models_call_order_not_completion_order() -> None:
    async def work(i: int) -> str:
        await asyncio.sleep(0.05 * (3 - i))
        return f"out{i}"

    model = FunctionModel(Script([fan_out(3), "done"]))
    agent = Agent(name="a", model=model, tools=ListToolset(FnTool("work", work)))
    result = await Runner().run(agent, "go")
    assert [c.function.output for c in result.tool_calls] == ["out0", "out1", "out2"]
    outputs = [i for i in requests_of(model)[1].items if i.kind == "tool_output"]
    assert [(o.call_id, o.output) for o in outputs] == [
        ("c0", "out0"),
        ("c1", "out1"),
        ("c2", "out2"),
    ]


async def test_concurrency_cap_limits_calls_running_at_once() -> None:
    running = 0
    peak = 0

    async def work(i: int) -> str:
        nonlocal running, peak
        running += 1
        peak = max(peak, running)
        await asyncio.sleep(0.02)
        running -= 1
        return "ok"

    agent = Agent(
        name="a",
        model=FunctionModel(Script([fan_out(6), "done"])),
        tools=ListToolset(FnTool("work", work)),
        limits=RunLimits(max_concurrent_tools=2),
    )
    await Runner().run(agent, "go")
    assert peak == 2


async def test_a_failing_call_keeps_its_siblings_outputs() -> None:
    def work(i: int) -> str:
        if i == 1:
            raise ValueError("secret detail")
        return f"ok{i}"

    agent = Agent(
        name="a",
        model=FunctionModel(Script([fan_out(3), "done"])),
        tools=ListToolset(FnTool("work", work)),
    )
    result = await Runner().run(agent, "go")
    calls = result.tool_calls
    assert [c.function.output for c in calls][0::2] == ["ok0", "ok2"]
    assert calls[1].error is not None and calls[1].error.code == "tool_raised"
    assert "secret detail" not in (calls[1].function.output or "")
    assert result.status == "completed"


async def test_unknown_tool_is_reported_to_the_model_with_the_available_names() -> None:
    model = FunctionModel(Script([[("c1", "nope", {})], "sorry"]))
    agent = Agent(
        name="a",
        model=model,
        tools=ListToolset(FnTool("beta", lambda: 1), FnTool("alpha", lambda: 2)),
    )
    result = await Runner().run(agent, "go")
    call = result.tool_calls[0]
    assert call.error is not None and call.error.code == "unknown_tool"
    assert call.function.output == (
        "Error: There is no tool named 'nope'. Available tools: alpha, beta."
    )
    assert result.status == "completed"


async def test_repeated_failures_exhaust_the_retry_budget_and_fail_the_run() -> None:
    def flaky() -> str:
        raise ModelRetry("try with a smaller number")

    model = FunctionModel(Script(lambda r: [(f"c{r.turn}", "flaky", {})]))
    agent = Agent(
        name="a",
        model=model,
        tools=ListToolset(FnTool("flaky", flaky)),
        limits=RunLimits(max_model_retries=2),
    )
    result = await Runner().run(agent, "go")
    assert result.status == "failed"
    assert result.last_error is not None and result.last_error.code == "tool_error"
    assert "'flaky' failed 3 times" in result.last_error.message
    assert len(requests_of(model)) == 3
    assert all(c.function.output is not None for c in result.tool_calls)


async def test_success_resets_the_failure_count() -> None:
    attempts = iter([True, True, False, True, True, False])

    def sometimes() -> str:
        if next(attempts):
            raise ModelRetry("again")
        return "fine"

    turns: list[Any] = [[(f"c{i}", "sometimes", {})] for i in range(6)] + ["done"]
    agent = Agent(
        name="a",
        model=FunctionModel(Script(turns)),
        tools=ListToolset(FnTool("sometimes", sometimes)),
        limits=RunLimits(max_model_retries=2),
    )
    result = await Runner().run(agent, "go")
    assert result.status == "completed"


async def test_retry_tool_hint_reaches_the_model() -> None:
    def strict() -> str:
        raise ModelRetry("use ISO dates")

    model = FunctionModel(Script([[("c1", "strict", {})], "ok"]))
    agent = Agent(name="a", model=model, tools=ListToolset(FnTool("strict", strict)))
    await Runner().run(agent, "go")
    outputs = [i for i in requests_of(model)[1].items if i.kind == "tool_output"]
    assert outputs[0].output == "use ISO dates"


async def test_default_tool_timeout_becomes_a_model_visible_error() -> None:
    async def hang() -> str:
        await asyncio.sleep(30)
        return "never"

    agent = Agent(
        name="a",
        model=FunctionModel(Script([[("c1", "hang", {})], "gave up"])),
        tools=ListToolset(FnTool("hang", hang)),
        limits=RunLimits(tool_timeout=0.05),
    )
    result = await Runner().run(agent, "go")
    call = result.tool_calls[0]
    assert call.error is not None and call.error.code == "tool_timeout"
    assert call.function.output == "Error: The tool 'hang' did not finish within 0.05 seconds."
    assert result.status == "completed"


async def test_oversized_output_is_truncated_with_a_marker() -> None:
    agent = Agent(
        name="a",
        model=FunctionModel(Script([[("c1", "big", {})], "ok"])),
        tools=ListToolset(FnTool("big", lambda: "x" * 5000)),
        limits=RunLimits(max_tool_output_chars=200),
    )
    result = await Runner().run(agent, "go")
    output = result.tool_calls[0].function.output or ""
    assert len(output) == 200
    assert output.endswith("[agentkit: output truncated, 4800 of 5000 characters removed]")


async def test_tool_events_pair_up_with_durations() -> None:
    agent = Agent(
        name="a",
        model=FunctionModel(Script([fan_out(2), "done"])),
        tools=ListToolset(FnTool("work", lambda i: i)),
    )
    result = await Runner().run(agent, "go", keep_events=True)
    started = [e.call_id for e in result.events if isinstance(e, ToolCallStartedEvent)]
    finished = [e for e in result.events if isinstance(e, ToolCallFinishedEvent)]
    assert sorted(started) == ["c0", "c1"]
    assert sorted(e.call_id for e in finished) == ["c0", "c1"]
    assert all(e.duration_ms >= 0 and e.error is None for e in finished)
    assert all(c.duration_ms is not None for c in result.tool_calls)


async def test_eight_sync_tools_of_100ms_run_at_once_in_worker_threads() -> None:
    import threading

    from agentkit import tool

    spans: dict[int, tuple[float, float, str]] = {}

    @tool
    def blocking(i: int) -> str:
        """Block for 100 ms, as a sync client call would."""
        started = time.perf_counter()
        time.sleep(0.1)
        spans[i] = (started, time.perf_counter(), str(threading.get_ident()))
        return str(i)

    agent = Agent(
        name="a", model=FunctionModel(Script([fan_out(8, "blocking"), "done"])), tools=[blocking]
    )
    result = await Runner().run(agent, "go")
    assert result.status == "completed"
    assert len({name for _, _, name in spans.values()}) == 8
    assert max(s for s, _, _ in spans.values()) < min(e for _, e, _ in spans.values())
