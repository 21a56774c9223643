"""Runner.recover: orphaned runs continue from their records in another runner (process)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from agentkit.agent import Agent
from agentkit.context import RunContext
from agentkit.exceptions import UserError
from agentkit.models.request import ModelRequest
from agentkit.records import Message, Run, Thread, ToolCallsStepDetails
from agentkit.runner import Runner
from agentkit.runs.state import RunState
from agentkit.stores import MemoryStore, SQLiteStore
from agentkit.testing import FunctionInfo, FunctionModel, ModelTurn, call_tool
from agentkit.tools import ToolDefinition, tool

from .conftest import Script, requests_of
from .hung_driver import Hang, HungDriver, wait_until_orphaned


@pytest.fixture
async def recoverer(tmp_path: Path) -> AsyncIterator[Runner]:
    async with Runner(SQLiteStore(tmp_path / "runs.db")) as runner:
        yield runner


def batch_agent(hang: Hang, ran: list[str], *, idempotent: bool = False) -> Agent:
    """The model calls ``fast`` and ``stuck``; ``stuck`` hangs the driver once fast is done."""

    @tool
    async def fast() -> str:
        ran.append("fast")
        return "fast done"

    @tool(idempotent=idempotent)
    async def stuck() -> str:
        ran.append("stuck")
        await asyncio.sleep(0.1)  # fast's outcome is recorded meanwhile
        hang.hang()
        return "stuck done"

    model = FunctionModel(Script([[("c0", "fast", {}), ("c1", "stuck", {})], "all done"]))
    return Agent(name="batch", model=model, tools=[fast, stuck])


async def outputs(runner: Runner, run: Run) -> dict[str, tuple[str | None, str | None]]:
    steps = [s for s in await runner.store.list_steps(run.id) if s.type == "tool_calls"]
    details = steps[0].step_details
    assert isinstance(details, ToolCallsStepDetails)
    return {
        c.id: (c.function.output, c.error.code if c.error else None) for c in details.tool_calls
    }


async def orphan_mid_batch(
    tmp_path: Path, *, idempotent: bool = False
) -> tuple[Agent, list[str], Hang, HungDriver]:
    hang, ran = Hang(), list[str]()
    agent = batch_agent(hang, ran, idempotent=idempotent)
    driver = HungDriver(tmp_path / "runs.db", lambda runner: runner.run(agent, "go")).start()
    await wait_until_orphaned(hang)
    return agent, ran, hang, driver


async def test_a_finished_call_is_kept_and_an_interrupted_one_reported(
    tmp_path: Path, recoverer: Runner
) -> None:
    agent, ran, hang, driver = await orphan_mid_batch(tmp_path)

    [run] = await recoverer.recover([agent])
    hang.release()
    driver.join()

    assert run.status == "completed"
    assert sorted(ran) == ["fast", "stuck"]
    results = await outputs(recoverer, run)
    assert results["c0"] == ("fast done", None)
    assert results["c1"][1] == "interrupted"
    assert "was interrupted" in (results["c1"][0] or "")
    last_request = requests_of(agent.model)[-1]  # type: ignore[arg-type]
    assert [i.output for i in last_request.items if i.kind == "tool_output"] == [
        "fast done",
        results["c1"][0],
    ]


async def test_an_idempotent_call_in_flight_is_run_again(tmp_path: Path, recoverer: Runner) -> None:
    agent, ran, hang, driver = await orphan_mid_batch(tmp_path, idempotent=True)

    [run] = await recoverer.recover([agent])
    hang.release()
    driver.join()

    assert run.status == "completed"
    assert sorted(ran) == ["fast", "stuck", "stuck"]
    assert await outputs(recoverer, run) == {"c0": ("fast done", None), "c1": ("stuck done", None)}


async def test_the_old_driver_writes_nothing_once_its_run_was_taken_over(
    tmp_path: Path, recoverer: Runner
) -> None:
    agent, ran, hang, driver = await orphan_mid_batch(tmp_path)
    [run] = await recoverer.recover([agent])
    steps_before = await recoverer.store.list_steps(run.id)
    messages_before = await recoverer.store.list_messages(run.thread_id)

    hang.release()
    late = driver.join()

    assert late.run.status == "completed"  # what the store holds, not what it would have done
    assert await recoverer.store.get_run(run.id) == run
    assert await recoverer.store.list_steps(run.id) == steps_before
    assert await recoverer.store.list_messages(run.thread_id) == messages_before
    assert (await outputs(recoverer, run))["c1"][1] == "interrupted"


async def test_a_model_call_in_flight_is_made_again_and_answers_once(
    tmp_path: Path, recoverer: Runner
) -> None:
    hang, ran = Hang(), list[str]()

    @tool
    def lookup() -> str:
        ran.append("lookup")
        return "42"

    def turn(request: ModelRequest, info: FunctionInfo) -> ModelTurn:
        if info.turn == 1 or not any(i.kind == "tool_output" for i in request.items):
            return ModelTurn(tool_calls=(call_tool("lookup", {}),))
        hang.hang()
        return ModelTurn(text="It is 42.")

    agent = Agent(name="answers", model=FunctionModel(turn), tools=[lookup])
    driver = HungDriver(tmp_path / "runs.db", lambda r: r.run(agent, "what is it?")).start()
    await wait_until_orphaned(hang)

    [run] = await recoverer.recover([agent])
    hang.release()
    driver.join()

    assert run.status == "completed"
    assert ran == ["lookup"]
    messages = await recoverer.store.list_messages(run.thread_id)
    assert [(m.role, m.text) for m in messages] == [
        ("user", "what is it?"),
        ("assistant", "It is 42."),
    ]


async def test_submitted_outputs_acknowledged_before_a_crash_take_effect(
    tmp_path: Path, recoverer: Runner
) -> None:
    hang = Hang()

    def turn(request: ModelRequest, info: FunctionInfo) -> ModelTurn:
        outputs = [i.output for i in request.items if i.kind == "tool_output"]
        if not outputs:
            return ModelTurn(tool_calls=(call_tool("approve", {}, call_id="call_ok"),))
        hang.hang()
        return ModelTurn(text=f"The manager said {outputs[0]}.")

    agent = Agent(name="refunds", model=FunctionModel(turn), tools=[ToolDefinition("approve")])
    paused = await recoverer.run(agent, "refund?")
    assert paused.status == "requires_action"
    driver = HungDriver(
        tmp_path / "runs.db",
        lambda r: r.submit_tool_outputs(agent, paused.run.id, {"call_ok": "yes"}),
    ).start()
    await wait_until_orphaned(hang)

    [run] = await recoverer.recover([agent])
    hang.release()
    driver.join()

    assert run.status == "completed"
    assert (await outputs(recoverer, run)) == {"call_ok": ("yes", None)}
    [*_, answer] = await recoverer.store.list_messages(run.thread_id)
    assert answer.text == "The manager said yes."


async def crafted_run(store: MemoryStore, status: str) -> Run:
    """A run left in ``status`` with no lease, as a file from before leases has it."""
    thread = await store.create_thread(Thread())
    await store.add_message(Message.of_text(thread.id, "user", "hello"))
    run = Run(thread_id=thread.id, assistant_id="asst_greeter", status=status)
    return await store.create_run(run, RunState(run, greeter(), store, RunContext(None)).to_json())


def greeter() -> Agent:
    return Agent(name="greeter", model=FunctionModel(Script(["Hello!"])))


async def test_an_unowned_queued_run_is_run_from_the_start() -> None:
    store = MemoryStore()
    run = await crafted_run(store, "queued")

    [recovered] = await Runner(store).recover([greeter()])

    assert (recovered.id, recovered.status) == (run.id, "completed")
    assert [m.text for m in await store.list_messages(run.thread_id)] == ["hello", "Hello!"]


async def test_a_run_left_cancelling_ends_cancelled() -> None:
    store = MemoryStore()
    run = await crafted_run(store, "cancelling")

    [recovered] = await Runner(store).recover([greeter()])

    assert (recovered.id, recovered.status) == (run.id, "cancelled")


async def test_a_run_of_an_unknown_agent_fails_with_a_reason_naming_it() -> None:
    store = MemoryStore()
    run = await crafted_run(store, "in_progress")

    [failed] = await Runner(store).recover([])

    assert (failed.id, failed.status) == (run.id, "failed")
    assert failed.last_error is not None and "asst_greeter" in failed.last_error.message
    assert (await store.get_run(run.id)).status == "failed"


async def test_leave_unknown_leaves_the_run_for_another_process() -> None:
    store = MemoryStore()
    run = await crafted_run(store, "in_progress")

    assert await Runner(store).recover([], leave_unknown=True) == []
    assert await store.driven_runs() == [(run, None)]


async def test_a_function_finds_the_agent_of_each_run() -> None:
    store = MemoryStore()
    await crafted_run(store, "in_progress")
    asked: list[str] = []

    def find(run: Run) -> Agent:
        asked.append(run.assistant_id)
        return greeter()

    [recovered] = await Runner(store).recover(find)

    assert asked == ["asst_greeter"] and recovered.status == "completed"


async def test_only_one_of_two_recovering_runners_takes_an_orphan() -> None:
    store = MemoryStore()
    run = await crafted_run(store, "in_progress")

    first, second = await asyncio.gather(
        Runner(store).recover([greeter()]), Runner(store).recover([greeter()])
    )

    assert sorted(len(found) for found in (first, second)) == [0, 1]
    assert (await store.get_run(run.id)).status == "completed"
    assert len(await store.list_messages(run.thread_id)) == 2


def test_two_agents_with_one_id_are_refused() -> None:
    with pytest.raises(UserError, match="two agents have the id 'asst_greeter'"):
        asyncio.run(Runner().recover([greeter(), greeter()]))


async def test_a_released_run_is_continued_by_another_runner_at_once() -> None:
    store = MemoryStore()
    first, second = Runner(store), Runner(store)
    waiting = asyncio.Event()

    @tool
    async def wait() -> str:
        waiting.set()
        await asyncio.sleep(30)
        return "never"

    model = FunctionModel(Script([[("c0", "wait", {})], "carried on"]))
    agent = Agent(name="patient", model=model, tools=[wait])
    task = asyncio.create_task(first.run(agent, "go"))
    await waiting.wait()

    [run_id] = await first.release()
    left = await task

    assert left.status == "in_progress"
    [recovered] = await second.recover([agent])
    assert (recovered.id, recovered.status) == (run_id, "completed")
    assert (await outputs(second, recovered))["c0"][1] == "interrupted"
