"""A tool pack served by ``agentkit mcp serve`` and used through `MCPToolset` is the pack itself.

The example weather pack is installed by name the way pip would record it (a
``.dist-info`` with its entry point, on the server's ``PYTHONPATH``), served over stdio,
and consumed by an agent; its schemas, outputs and errors must equal the pack's own.
"""

from __future__ import annotations

import importlib
import json
import sys

import pytest

from agentkit import Agent, Runner
from agentkit.mcp import MCPToolset
from agentkit.mcp.connection import Mode
from agentkit.models import ModelRequest, ToolOutputItem
from agentkit.testing import FunctionInfo, FunctionModel, ModelTurn, call_tool, text
from agentkit.toolsets import Toolset
from tests.mcp.conftest import AGENTKIT, ROOT

PACK_SOURCE = ROOT / "examples" / "toolpack" / "src"


@pytest.fixture(scope="module")
def pack_path(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A PYTHONPATH on which the weather pack is installed, entry point included."""
    site = tmp_path_factory.mktemp("site")
    info = site / "agentkit_weather_pack-0.1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(
        "Metadata-Version: 2.1\nName: agentkit-weather-pack\nVersion: 0.1.0\n"
    )
    (info / "entry_points.txt").write_text(
        "[agentkit.toolsets]\nweather = agentkit_weather_pack:toolset\n"
    )
    return f"{site}:{PACK_SOURCE}:{ROOT}"


def _pack() -> Toolset:
    sys.path.insert(0, str(PACK_SOURCE))
    try:
        toolset = importlib.import_module("agentkit_weather_pack").toolset
    finally:
        sys.path.remove(str(PACK_SOURCE))
    assert isinstance(toolset, Toolset)
    return toolset


def _script(request: ModelRequest, info: FunctionInfo) -> ModelTurn:
    outputs = [i.output for i in request.items if isinstance(i, ToolOutputItem)]
    if not outputs:
        return ModelTurn(
            tool_calls=(
                call_tool("current_weather", {"city": "Oslo", "units": None}),
                call_tool("current_weather", {"city": "Lima", "units": "fahrenheit"}),
                call_tool("forecast", {"city": "Oslo", "days": 9}),
                call_tool("forecast", {"city": "Oslo", "days": None}),
            )
        )
    return text(json.dumps(outputs))


async def _outputs(toolset: Toolset) -> list[str]:
    agent = Agent(name="trip", model=FunctionModel(_script), tools=[toolset])
    async with Runner() as runner:
        result = await runner.run(agent, "weather?")
    assert result.status == "completed", result.run.last_error
    outputs: list[str] = json.loads(result.output_text)
    return outputs


@pytest.mark.parametrize("mode", ["auto", "legacy"])
async def test_the_served_pack_has_the_packs_schemas_outputs_and_errors(
    pack_path: str, mode: Mode
) -> None:
    pack = _pack()
    served = MCPToolset(
        [AGENTKIT, "mcp", "serve", "weather"], env={"PYTHONPATH": pack_path}, mode=mode
    )

    via_mcp = await _outputs(served)
    direct = await _outputs(pack)

    assert [d.to_responses() for d in served.definitions()] == [
        d.to_responses() for d in pack.definitions()
    ]
    assert via_mcp == direct
    assert direct[2].startswith("Error: Invalid arguments for tool 'forecast':\n- days:")
    assert len(json.loads(direct[3])) == 3  # null meant "the default": 3 days
