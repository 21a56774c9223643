"""Runs executed by a DBOS worker: the same events and records as in-process runs, durable
pauses that any process resumes, and the workflow's steps."""

from __future__ import annotations

import json
from typing import Any

import psycopg
import pytest
from dbos import DBOSClient

from agentkit import Agent, Runner
from agentkit.durable import DBOSExecution, DBOSSettings, DBOSWorker
from agentkit.exceptions import UserError
from agentkit.middleware import TracingMiddleware
from agentkit.models import TestModel
from agentkit.records import ToolCallsStepDetails
from agentkit.stores import MemoryStore, PostgresStore

from . import agents

pytestmark = pytest.mark.asyncio(loop_scope="module")


async def kinds(runner: Runner, *args: object, **options: object) -> list[str]:
    return [event.kind async for event in runner.iter_run(*args, **options)]  # type: ignore[arg-type]


async def test_a_worker_streams_the_events_an_in_process_run_streams(
    worker: DBOSWorker, runner: Runner
) -> None:
    in_process = await kinds(Runner(MemoryStore()), agents.calc, "add")

    assert await kinds(runner, agents.calc, "add") == in_process


async def test_the_run_its_steps_and_messages_are_ordinary_store_records(
    worker: DBOSWorker, runner: Runner
) -> None:
    result = await runner.run(agents.calc, "add")

    store = runner.store
    assert result.status == "completed"
    assert await store.get_run(result.run.id) == result.run
    steps = await store.list_steps(result.run.id)
    assert [s.type for s in steps] == ["tool_calls", "message_creation"]
    assert isinstance(steps[0].step_details, ToolCallsStepDetails)
    assert steps[0].step_details.tool_calls[0].function.output == "2"
    messages = await store.list_messages(result.run.thread_id)
    assert [m.role for m in messages] == ["user", "assistant"]
    assert messages[-1].text == result.output_text


async def test_a_paused_run_is_resumed_by_another_runner(
    worker: DBOSWorker, runner: Runner, dbos_url: str
) -> None:
    paused = await runner.run(agents.asker, "look it up")
    assert paused.status == "requires_action"
    assert paused.run.required_action is not None
    calls = paused.pending_tool_calls

    other = Runner(PostgresStore(dbos_url), execution=DBOSExecution(dbos_url))
    try:
        resumed = await other.submit_tool_outputs(
            agents.asker, paused.run.id, {c.id: "forty-two" for c in calls}
        )
    finally:
        await other.aclose()

    assert resumed.status == "completed"
    assert "forty-two" in resumed.output_text


async def test_model_and_tool_calls_are_steps_of_the_run_workflow(
    worker: DBOSWorker, runner: Runner, dbos_url: str
) -> None:
    result = await runner.run(agents.calc, "add")
    client = DBOSClient(system_database_url=dbos_url)
    try:
        steps = await client.list_workflow_steps_async(result.run.id)
    finally:
        client.destroy()

    names = [s["function_name"] for s in steps if s["function_name"].startswith("agentkit.")]
    assert names == ["agentkit.model:1", "agentkit.tool:add", "agentkit.model:2"]


async def test_what_dbos_records_of_a_run_is_json_not_pickle(
    worker: DBOSWorker, runner: Runner, dbos_url: str
) -> None:
    result = await runner.run(agents.calc, "add")

    with psycopg.connect(dbos_url) as conn:
        workflow = conn.execute(
            "SELECT serialization, application_version FROM dbos.workflow_status "
            "WHERE workflow_uuid = %s",
            (result.run.id,),
        ).fetchone()
        outputs = conn.execute(
            "SELECT function_name, output, serialization FROM dbos.operation_outputs "
            "WHERE workflow_uuid = %s AND function_name LIKE 'agentkit.%%' ORDER BY function_id",
            (result.run.id,),
        ).fetchall()
    assert workflow == ("portable_json", "agentkit-run-1")
    assert {serialization for _, _, serialization in outputs} == {"portable_json"}
    model_call = json.loads(outputs[0][1])
    assert model_call["tool_calls"][0]["name"] == "add"


async def test_a_run_of_an_agent_no_worker_has_fails_with_the_reason(
    worker: DBOSWorker, runner: Runner
) -> None:
    stranger = Agent(name="stranger", id="asst_stranger", model=TestModel())

    result = await runner.run(stranger, "hi")

    assert result.status == "failed"
    assert result.run.last_error is not None
    assert "no agent with id 'asst_stranger'" in result.run.last_error.message


@pytest.mark.parametrize(
    ("option", "value"), [("deps", {"db": "x"}), ("middleware", [TracingMiddleware()])]
)
async def test_options_a_worker_cannot_receive_are_refused_before_anything_is_recorded(
    runner: Runner, option: str, value: object
) -> None:
    thread = await runner.create_thread()

    with pytest.raises(UserError, match=f"{option}=... cannot be sent"):
        runner.iter_run(agents.calc, "hi", thread=thread, **{option: value})  # type: ignore[arg-type]
    assert await runner.store.list_runs(thread.id) == []


async def test_a_cancel_from_another_process_ends_a_paused_runs_workflow(
    worker: DBOSWorker, runner: Runner, dbos_url: str
) -> None:
    paused = await runner.run(agents.asker, "look it up")

    cancelled = await Runner(PostgresStore(dbos_url)).cancel(paused.run.id)

    assert cancelled.status == "cancelled"
    client = DBOSClient(system_database_url=dbos_url)
    try:
        handle: Any = await client.retrieve_workflow_async(paused.run.id)
        assert await handle.get_result() == "cancelled"
    finally:
        client.destroy()


async def test_settings_refuse_a_database_that_is_not_postgres() -> None:
    with pytest.raises(UserError, match="postgresql://"):
        DBOSSettings("sqlite:///runs.db")


async def test_a_worker_prepares_the_toolsets_of_the_agents_it_drives(
    worker: DBOSWorker, runner: Runner
) -> None:
    result = await runner.run(agents.late, "add")

    assert result.status == "completed"
    steps = await runner.store.list_steps(result.run.id)
    details = steps[0].step_details
    assert isinstance(details, ToolCallsStepDetails)
    assert details.tool_calls[0].error is None
    assert details.tool_calls[0].function.output == "2"
    assert agents.late_on_worker_tools.prepared >= 1
