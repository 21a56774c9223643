"""Manual mode and bare definitions: pause in requires_action, resume with outputs."""

from __future__ import annotations

import time

import pytest

from agentkit.agent import Agent
from agentkit.events import RunStatusEvent
from agentkit.exceptions import ActiveRunError, InvalidRunStateError, ToolOutputsMismatchError
from agentkit.limits import RunLimits
from agentkit.runner import Runner
from agentkit.testing import FunctionModel
from agentkit.tools.definition import ToolDefinition

from .conftest import FnTool, ListToolset, Script, requests_of


def two_calls_then(text: str) -> FunctionModel:
    return FunctionModel(
        Script([[("c1", "lookup", {"q": "a"}), ("c2", "lookup", {"q": "b"})], text])
    )


def lookup_agent(model: FunctionModel) -> Agent:
    return Agent(name="a", model=model, tools=ListToolset(FnTool("lookup", lambda q: q.upper())))


async def test_manual_mode_pauses_with_every_call_pending() -> None:
    runner = Runner()
    result = await runner.run(lookup_agent(two_calls_then("done")), "go", dispatch="manual")
    assert result.status == "requires_action"
    assert [(c.id, c.function.name, c.function.arguments) for c in result.pending_tool_calls] == [
        ("c1", "lookup", '{"q": "a"}'),
        ("c2", "lookup", '{"q": "b"}'),
    ]
    stored = await runner.store.get_run(result.run.id)
    assert stored.status == "requires_action"
    assert stored.required_action == result.run.required_action


async def test_submitting_all_outputs_resumes_and_completes() -> None:
    model = two_calls_then("A and B")
    agent = lookup_agent(model)
    runner = Runner()
    paused = await runner.run(agent, "go", dispatch="manual")
    result = await runner.submit_tool_outputs(agent, paused.run, {"c2": "B", "c1": "A"})
    assert result.status == "completed"
    assert result.output_text == "A and B"
    outputs = [
        (i.call_id, i.output) for i in requests_of(model)[1].items if i.kind == "tool_output"
    ]
    assert outputs == [("c1", "A"), ("c2", "B")]
    steps = await runner.store.list_steps(paused.run.id)
    assert [(s.type, s.status) for s in steps] == [
        ("tool_calls", "completed"),
        ("message_creation", "completed"),
    ]


async def test_assistants_style_output_list_is_accepted() -> None:
    agent = lookup_agent(two_calls_then("ok"))
    runner = Runner()
    paused = await runner.run(agent, "go", dispatch="manual")
    outputs = [{"tool_call_id": "c1", "output": "A"}, {"tool_call_id": "c2", "output": "B"}]
    result = await runner.submit_tool_outputs(agent, paused.run.id, outputs)
    assert result.status == "completed"


@pytest.mark.parametrize(
    ("outputs", "message"),
    [
        ({"c1": "A"}, "missing outputs for c2"),
        ({"c1": "A", "c2": "B", "c9": "Z"}, "no pending call with id c9"),
        (
            [
                {"tool_call_id": "c1", "output": "A"},
                {"tool_call_id": "c1", "output": "A"},
                {"tool_call_id": "c2", "output": "B"},
            ],
            "more than one output for c1",
        ),
    ],
)
async def test_outputs_that_do_not_match_change_nothing(outputs: object, message: str) -> None:
    agent = lookup_agent(two_calls_then("ok"))
    runner = Runner()
    paused = await runner.run(agent, "go", dispatch="manual")
    with pytest.raises(ToolOutputsMismatchError, match=message):
        await runner.submit_tool_outputs(agent, paused.run, outputs)  # type: ignore[arg-type]
    assert await runner.store.get_run(paused.run.id) == paused.run
    retry = await runner.submit_tool_outputs(agent, paused.run, {"c1": "A", "c2": "B"})
    assert retry.status == "completed"


async def test_submitting_to_a_run_that_is_not_paused_is_an_error() -> None:
    agent = lookup_agent(FunctionModel(Script(["hi"])))
    runner = Runner()
    done = await runner.run(agent, "go")
    with pytest.raises(InvalidRunStateError, match="completed"):
        await runner.submit_tool_outputs(agent, done.run, {})


async def test_outputs_after_the_deadline_expire_the_run() -> None:
    agent = Agent(
        name="a",
        model=two_calls_then("late"),
        tools=ListToolset(FnTool("lookup", lambda q: q)),
        limits=RunLimits(timeout=1),
    )
    runner = Runner()
    paused = await runner.run(agent, "go", dispatch="manual")
    expired = paused.run.model_copy(update={"expires_at": int(time.time()) - 1})
    await runner.store.save_run(expired)
    with pytest.raises(InvalidRunStateError, match="expired"):
        await runner.submit_tool_outputs(agent, paused.run, {"c1": "A", "c2": "B"})
    stored = await runner.store.get_run(paused.run.id)
    assert stored.status == "expired"
    assert [s.status for s in await runner.store.list_steps(paused.run.id)] == ["expired"]


async def test_bare_definitions_are_answered_by_the_caller_in_auto_mode() -> None:
    approve = ToolDefinition(name="transfer", description="Move money (needs a human).")
    model = FunctionModel(
        Script(
            [[("c1", "lookup", {"q": "acct"}), ("c2", "transfer", {"amount": 5})], "transferred"]
        )
    )
    agent = Agent(
        name="a", model=model, tools=ListToolset(FnTool("lookup", lambda q: "ACCT"), approve)
    )
    runner = Runner()
    paused = await runner.run(agent, "go")
    assert paused.status == "requires_action"
    assert [c.id for c in paused.pending_tool_calls] == ["c2"]
    result = await runner.submit_tool_outputs(agent, paused.run, {"c2": "approved"})
    assert result.status == "completed"
    assert [c.function.output for c in result.tool_calls] == ["ACCT", "approved"]


async def test_one_active_run_per_thread() -> None:
    agent = lookup_agent(two_calls_then("ok"))
    runner = Runner()
    paused = await runner.run(agent, "go", dispatch="manual")
    with pytest.raises(ActiveRunError):
        await runner.run(agent, "again", thread=paused.thread_id)
    with pytest.raises(ActiveRunError):
        await runner.add_message(paused.thread_id, "hello?")
    messages = await runner.store.list_messages(paused.thread_id)
    assert [m.text for m in messages] == ["go"]


async def test_cancel_a_paused_run() -> None:
    agent = lookup_agent(two_calls_then("ok"))
    runner = Runner()
    paused = await runner.run(agent, "go", dispatch="manual")
    cancelled = await runner.cancel(paused.run)
    assert cancelled.status == "cancelled"
    assert (await runner.store.get_run(paused.run.id)).status == "cancelled"
    with pytest.raises(InvalidRunStateError):
        await runner.cancel(paused.run)
    follow_up = await runner.run(
        lookup_agent(FunctionModel(Script(["next"]))), "more", thread=paused.thread_id
    )
    assert follow_up.status == "completed"


async def test_status_events_follow_the_assistants_machine() -> None:
    agent = lookup_agent(two_calls_then("ok"))
    runner = Runner()
    paused = await runner.run(agent, "go", dispatch="manual", keep_events=True)
    resumed = await runner.submit_tool_outputs(
        agent, paused.run, {"c1": "A", "c2": "B"}, keep_events=True
    )
    statuses = [e.status for e in paused.events + resumed.events if isinstance(e, RunStatusEvent)]
    assert statuses == ["queued", "in_progress", "requires_action", "in_progress", "completed"]


async def test_conversation_continues_on_the_same_thread() -> None:
    model = FunctionModel(Script(["first answer", "second answer"]))
    agent = Agent(name="a", model=model, tools=ListToolset())
    first = await agent.run("one")
    second = await agent.run("two", thread=first.thread_id)
    assert second.output_text == "second answer"
    assert [(i.kind, getattr(i, "text", "")) for i in requests_of(model)[1].items] == [
        ("user", "one"),
        ("assistant", "first answer"),
        ("user", "two"),
    ]
