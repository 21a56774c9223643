"""The travel planner: three lookups in one turn, run concurrently."""

from __future__ import annotations

import importlib
import sys

from agentkit.events import ToolCallFinishedEvent, ToolCallStartedEvent

from .run_example import EXAMPLES, run_example


def test_the_example_prints_each_lookup_and_the_plan() -> None:
    out = run_example("travel_planner.py")

    assert "[tool] get_weather took" in out
    assert "[tool] search_flights took" in out
    assert "[tool] search_hotels took" in out
    assert "- Lisbon on 2026-10-02: 21°C, sunny" in out
    assert "3 lookups, " in out


async def test_the_three_lookups_all_start_before_any_finishes() -> None:
    sys.path.insert(0, str(EXAMPLES))
    try:
        travel_planner = importlib.import_module("travel_planner")
    finally:
        sys.path.remove(str(EXAMPLES))

    result = await travel_planner.agent.run("Plan a trip", keep_events=True)

    tool_events = (ToolCallStartedEvent, ToolCallFinishedEvent)
    kinds = [type(e) for e in result.events if isinstance(e, tool_events)]
    assert kinds == [ToolCallStartedEvent] * 3 + [ToolCallFinishedEvent] * 3
    assert result.status == "completed"
