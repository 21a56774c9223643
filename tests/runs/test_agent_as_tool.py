"""An agent used as a tool: its run is recorded and linked, its usage counted, its cancel shared."""

from __future__ import annotations

import asyncio
from typing import Any

from agentkit import Agent, Runner, tool
from agentkit.context import RunContext
from agentkit.events import SubRunEvent
from agentkit.models import ResponsesModel
from agentkit.testing import FakeOpenAI, FakeReply, FakeRequest, FakeToolCall


def parent_script(request: FakeRequest) -> FakeReply | str:
    outputs = request.tool_outputs()
    if not outputs:
        return FakeReply.calls(
            FakeToolCall("researcher", {"input": "Capital of Norway?"}, call_id="call_ask"),
            input_tokens=10,
            output_tokens=5,
        )
    return FakeReply(
        text=f"The researcher says: {outputs['call_ask']}", input_tokens=20, output_tokens=6
    )


def make_agents(sub_model: Any) -> tuple[Agent[None], Agent[None]]:
    researcher = Agent(name="researcher", description="Looks facts up.", model=sub_model)
    parent = Agent(
        name="lead",
        model=ResponsesModel("gpt-test", client=FakeOpenAI(parent_script).client()),
        tools=[researcher.as_tool()],
    )
    return parent, researcher


async def test_the_sub_run_is_recorded_linked_and_its_usage_counted() -> None:
    sub = FakeOpenAI([FakeReply(text="Oslo.", input_tokens=7, output_tokens=2)])
    parent, researcher = make_agents(ResponsesModel("gpt-test", client=sub.client()))
    runner = Runner()

    result = await runner.run(parent, "Ask the researcher.", keep_events=True)

    assert result.output_text == "The researcher says: Oslo."
    assert sub.requests[0].last_user_text == "Capital of Norway?"
    [call] = result.tool_calls
    assert call.sub_run is not None
    sub_run = await runner.store.get_run(call.sub_run.run_id)
    assert (sub_run.status, sub_run.assistant_id) == ("completed", researcher.id)
    assert sub_run.thread_id == call.sub_run.thread_id != result.thread_id
    assert sub_run.metadata == {
        "agentkit_parent_run_id": result.run.id,
        "agentkit_parent_call_id": "call_ask",
    }
    [message] = await runner.store.list_messages(sub_run.thread_id, order="desc", limit=1)
    assert message.text == "Oslo."
    # Two parent calls (10+5, 20+6) and the sub-run's one (7+2).
    assert (result.usage.requests, result.usage.input_tokens, result.usage.output_tokens) == (
        3,
        37,
        13,
    )
    assert result.run.usage is not None and result.run.usage.total_tokens == 50
    [event] = [e for e in result.events if isinstance(e, SubRunEvent)]
    assert (event.call_id, event.run.id) == ("call_ask", sub_run.id)


async def test_a_sub_run_that_fails_is_a_tool_error_the_model_sees() -> None:
    sub = FakeOpenAI([FakeReply.error(400, "Bad request.")])
    parent, _ = make_agents(ResponsesModel("gpt-test", client=sub.client()))

    result = await parent.run("Ask the researcher.", runner=Runner(middleware=[]))

    [call] = result.tool_calls
    assert call.error is not None and call.error.code == "tool_raised"
    assert "ended failed (invalid_request_error): The model API answered 400" in call.error.message
    assert call.function.output == (
        "Error: the agent 'researcher' could not answer: its run ended failed "
        "(invalid_request_error)."
    )
    assert result.status == "completed"


async def test_cancelling_the_parent_cancels_the_sub_run() -> None:
    started = asyncio.Event()
    seen: list[str] = []

    @tool
    async def slow_lookup(ctx: RunContext[None], topic: str) -> str:
        """Look something up, slowly."""
        seen.append(ctx.run_id)
        started.set()
        await asyncio.sleep(60)
        return "never"

    sub_fake = FakeOpenAI([FakeReply.calls(FakeToolCall("slow_lookup", {"topic": "x"}))])
    researcher = Agent(
        name="researcher",
        model=ResponsesModel("gpt-test", client=sub_fake.client()),
        tools=[slow_lookup],
    )
    parent = Agent(
        name="lead",
        model=ResponsesModel("gpt-test", client=FakeOpenAI(parent_script).client()),
        tools=[researcher.as_tool()],
    )
    runner = Runner()
    events = runner.iter_run(parent, "Go")
    first = await anext(events)
    consumer = asyncio.create_task(_drain(events))
    await asyncio.wait_for(started.wait(), 10)

    cancelled = await runner.cancel(first.run.id)  # type: ignore[union-attr]
    await consumer

    assert cancelled.status == "cancelled"
    sub_run = await runner.store.get_run(seen[0])
    assert sub_run.status == "cancelled"


async def _drain(events: Any) -> None:
    async for _ in events:
        pass
