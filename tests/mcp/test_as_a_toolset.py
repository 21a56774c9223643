"""`MCPToolset` goes wherever a toolset goes: through the wrappers, and as a tool pack."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest

from agentkit import Agent, Runner
from agentkit.mcp import MCPToolset
from agentkit.models import ModelRequest, ToolOutputItem
from agentkit.testing import FunctionInfo, FunctionModel, ModelTurn, call_tool, text
from agentkit.toolsets import Toolset, load_toolset
from tests.mcp.conftest import sdk_command

pytestmark = pytest.mark.filterwarnings("ignore::agentkit.tools.strict.StrictModeWarning")


def _calls(*calls: tuple[str, dict[str, object]]) -> FunctionModel:
    def script(request: ModelRequest, info: FunctionInfo) -> ModelTurn:
        outputs = [i.output for i in request.items if isinstance(i, ToolOutputItem)]
        if not outputs:
            return ModelTurn(tool_calls=tuple(call_tool(name, args) for name, args in calls))
        return text(json.dumps([[t.name for t in request.tools], outputs]))

    return FunctionModel(script)


async def _run(toolset: Toolset, *calls: tuple[str, dict[str, object]]) -> list[list[str]]:
    agent = Agent(name="wrapped", model=_calls(*calls), tools=[toolset])
    async with Runner() as runner:
        result = await runner.run(agent, "go")
    assert result.status == "completed", result.run.last_error
    answer: list[list[str]] = json.loads(result.output_text)
    return answer


async def test_prefixed_filtered_and_renamed_mcp_tools_call_the_server_by_its_names() -> None:
    server = MCPToolset(sdk_command(), name="sdk")
    wrapped = (
        server.filtered(lambda d: d.name in {"add", "fail"})
        .renamed({"add": "plus"})
        .prefixed("sdk")
    )

    tools, outputs = await _run(
        wrapped, ("sdk_plus", {"a": 2, "b": 5}), ("sdk_fail", {"message": "no"})
    )

    assert tools == ["sdk_plus", "sdk_fail"]
    assert outputs == ["7", "Error executing tool fail: no"]
    assert not server.connection.running  # closed with the runner, through the wrappers


@pytest.fixture
def mcp_pack(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """A tool pack whose entry point is a factory returning an `MCPToolset`."""
    info = tmp_path / "mcp_sdk_pack-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: mcp-sdk-pack\nVersion: 1.0\n")
    (info / "entry_points.txt").write_text("[agentkit.toolsets]\nsdk = mcp_sdk_pack:toolset\n")
    (tmp_path / "mcp_sdk_pack.py").write_text(
        textwrap.dedent(
            f"""
            from agentkit.mcp import MCPToolset

            def toolset():
                return MCPToolset({sdk_command()!r}, name="sdk pack")
            """
        )
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.delitem(__import__("sys").modules, "mcp_sdk_pack", raising=False)
    return "sdk"


async def test_a_tool_pack_can_be_an_mcp_server(mcp_pack: str) -> None:
    pack = load_toolset(mcp_pack)

    tools, outputs = await _run(pack, ("add", {"a": 1, "b": None}))

    assert isinstance(pack, MCPToolset)
    assert "add" in tools and "tally" in tools
    assert outputs == ["3"]
