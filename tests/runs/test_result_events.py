"""A RunResult keeps the run's events only when asked; what else it reports does not need them."""

from __future__ import annotations

import pytest

from agentkit import Agent, Runner, tool
from agentkit.events import RunStatusEvent
from agentkit.exceptions import UserError
from agentkit.testing import TestModel


@tool
def lookup(i: int) -> str:
    """Look an item up.

    Args:
        i: which item.
    """
    return f"item {i}"


def agent() -> Agent[None]:
    return Agent(name="events", model=TestModel(), tools=[lookup])


async def test_events_are_not_kept_unless_asked() -> None:
    result = await agent().run("go")

    assert result.status == "completed"
    assert result.kept_events is None
    with pytest.raises(UserError, match="keep_events=True"):
        _ = result.events


async def test_kept_events_are_every_event_in_order() -> None:
    runner = Runner()
    result = await runner.run(agent(), "go", keep_events=True)

    statuses = [e.status for e in result.events if isinstance(e, RunStatusEvent)]
    assert statuses == ["queued", "in_progress", "completed"]
    assert result.events[-1] == RunStatusEvent(result.run)


async def test_usage_counts_model_requests_without_the_events() -> None:
    bare = await agent().run("go")
    kept = await agent().run("go", keep_events=True)

    assert bare.usage.requests == kept.usage.requests == 2
    assert kept.usage.requests == sum(1 for e in kept.events if e.kind == "usage")
