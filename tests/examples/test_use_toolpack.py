"""An agent using the example tool pack, installed with pip and loaded by name."""

from __future__ import annotations

import json

import pytest

from tests.toolsets.test_packs import installed_pack

from .run_example import run_example

__all__ = ["installed_pack"]


@pytest.mark.usefixtures("installed_pack")
def test_the_agent_calls_the_packs_tools_and_its_own() -> None:
    out = run_example("use_toolpack.py")

    lines = out.splitlines()
    assert lines[1] == ("tools: ['packing_list', 'weather_current_weather', 'weather_forecast']")
    calls = [line.split("(", 1)[0] for line in lines if line.startswith("[tool] ")]
    assert calls == [
        "[tool] weather_current_weather",
        "[tool] weather_forecast",
        "[tool] packing_list",
    ]
    forecast = json.loads(lines[3].split(" -> ", 1)[1])
    assert len(forecast) == 3
    assert lines[-1].startswith("Oslo now: {")
