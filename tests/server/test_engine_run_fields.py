"""The engine hook the server relies on: `Runner.iter_run(run_fields=...)`."""

from __future__ import annotations

from agentkit import Agent, Runner
from agentkit.events import RunStatusEvent
from agentkit.testing import TestModel


async def test_run_fields_are_recorded_on_the_new_run_as_given() -> None:
    runner = Runner()
    agent = Agent(name="a", model=TestModel())
    fields = {
        "tool_choice": {"type": "code_interpreter"},
        "tools": [{"type": "code_interpreter"}],
        "max_completion_tokens": 500,
        "model": "gpt-4o",
    }
    events = [e async for e in runner.iter_run(agent, "hi", run_fields=fields)]
    first = events[0]
    assert isinstance(first, RunStatusEvent)
    stored = await runner.store.get_run(first.run.id)
    assert (stored.tool_choice, stored.tools, stored.max_completion_tokens, stored.model) == (
        {"type": "code_interpreter"},
        [{"type": "code_interpreter"}],
        500,
        "gpt-4o",
    )


async def test_max_prompt_tokens_in_run_fields_bounds_the_history() -> None:
    seen: list[int] = []

    class Recording(TestModel):
        async def stream(self, request):  # type: ignore[no-untyped-def]
            seen.append(len(request.items))
            async for event in super().stream(request):
                yield event

    runner = Runner()
    thread = await runner.create_thread(messages=["x" * 4000, "y" * 4000, "short"])
    agent = Agent(name="a", model=Recording())
    await runner.run(agent, thread=thread, run_fields={"max_prompt_tokens": 1200})
    assert seen == [2]
