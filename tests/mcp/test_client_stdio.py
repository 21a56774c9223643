"""agentkit's MCP client against a server written with the official SDK, over stdio pipes.

Every test runs against both protocol revisions: 2026-07-28 (``mode="auto"``) and
2025-11-25 (``mode="legacy"``). One server process per revision serves the module.
"""

from __future__ import annotations

import asyncio
import json
import time
import warnings
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio

from agentkit import Agent, RunContext, RunLimits, Runner
from agentkit.events import MCPServerRestartedEvent, ToolCallFinishedEvent
from agentkit.exceptions import ToolExecutionError
from agentkit.mcp import MCPTool, MCPToolset
from agentkit.models import ModelRequest, ToolOutputItem
from agentkit.runs.dispatcher import truncate_output
from agentkit.testing import FunctionInfo, FunctionModel, ModelTurn, call_tool, text
from agentkit.tools.images import IMAGES_KEY
from agentkit.tools.strict import StrictModeWarning
from tests.mcp.conftest import sdk_command

pytestmark = pytest.mark.asyncio(loop_scope="module")


@dataclass
class Served:
    toolset: MCPToolset
    warnings: list[warnings.WarningMessage]


@pytest_asyncio.fixture(scope="module", loop_scope="module", params=["auto", "legacy"])
async def served(request: pytest.FixtureRequest) -> AsyncIterator[Served]:
    toolset = MCPToolset(sdk_command(), mode=request.param, name="sdk")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        await toolset.prepare()
    yield Served(toolset, caught)
    await toolset.aclose()


def _tool(served: Served, name: str) -> MCPTool:
    tool = served.toolset.get(name)
    assert isinstance(tool, MCPTool)
    return tool


async def _eventually(check: object, what: str, seconds: float = 10.0) -> None:
    deadline = time.monotonic() + seconds
    while not check():  # type: ignore[operator]
        assert time.monotonic() < deadline, f"timed out waiting until {what}"
        await asyncio.sleep(0.02)


async def test_the_servers_tools_are_listed_with_the_schemas_agentkit_sends(
    served: Served,
) -> None:
    add = _tool(served, "add").definition

    assert served.toolset.names()[:4] == ["add", "point", "picture", "documents"]
    assert add.description == "Add two integers."
    assert add.strict is True
    assert add.parameters == {
        "type": "object",
        "properties": {
            "a": {"type": "integer"},
            "b": {"anyOf": [{"type": "integer"}, {"type": "null"}]},
        },
        "required": ["a", "b"],
        "additionalProperties": False,
    }


async def test_a_schema_that_cannot_be_strict_is_sent_as_is_with_a_warning(
    served: Served,
) -> None:
    tally = _tool(served, "tally")

    assert tally.definition.strict is False
    assert tally.definition.parameters == tally.server_schema
    messages = [str(w.message) for w in served.warnings if w.category is StrictModeWarning]
    assert messages == [
        "MCP server 'sdk': tool 'tally' is sent with strict=False, its schema unchanged: "
        "parameter 'counts' is an open dict (dict[str, T], Mapping or **kwargs); strict "
        "mode cannot express it"
    ]
    assert await tally.invoke('{"counts": {"a": 2, "b": 3}}') == "5"


async def test_results_become_text_structured_content_json_and_attached_images(
    served: Served,
) -> None:
    ctx: RunContext[None] = RunContext(deps=None, call_id="call_pic")

    assert await _tool(served, "add").invoke('{"a": 40, "b": null}') == "42"
    assert json.loads(await _tool(served, "point").invoke('{"x": 1, "y": 2}')) == {"x": 1, "y": 2}
    picture = await _tool(served, "picture").invoke("{}", ctx)
    documents = await _tool(served, "documents").invoke("{}")

    assert picture == "a red dot\n[image 1: image/png, 70 bytes]"
    [image] = ctx.state[IMAGES_KEY]["call_pic"]
    assert image.startswith("data:image/png;base64,iVBORw0KGgo")
    assert documents.splitlines() == [
        "[resource file:///notes.txt]",
        "remember the milk",
        "[resource link: report <file:///report.pdf>: Q3]",
    ]


async def test_an_error_result_is_a_tool_error_the_model_reads(served: Served) -> None:
    with pytest.raises(ToolExecutionError) as caught:
        await _tool(served, "fail").invoke('{"message": "disk full"}')

    assert caught.value.model_message() == "Error executing tool fail: disk full"


async def test_an_agent_calls_the_servers_tools_and_records_them_on_the_run(
    served: Served,
) -> None:
    def script(request: ModelRequest, info: FunctionInfo) -> ModelTurn:
        outputs = [i for i in request.items if isinstance(i, ToolOutputItem)]
        if not outputs:
            return ModelTurn(
                tool_calls=(call_tool("add", {"a": 1, "b": None}), call_tool("picture", {}))
            )
        return text(f"sum {outputs[0].output}; images {len(outputs[1].images)}")

    agent = Agent(name="mcp user", model=FunctionModel(script), tools=[served.toolset])

    result = await agent.run("go", runner=Runner(middleware=[]))

    assert result.output_text == "sum 3; images 1"
    assert [t["function"]["name"] for t in result.run.tools] == served.toolset.names()


async def test_a_call_past_the_tool_timeout_is_cancelled_on_the_server(
    served: Served, tmp_path: Path
) -> None:
    marker = tmp_path / "hang"
    agent = Agent(
        name="impatient",
        model=FunctionModel(
            lambda request, info: (
                ModelTurn(tool_calls=(call_tool("hang", {"marker": str(marker)}),))
                if info.turn == 1
                else text("gave up")
            )
        ),
        tools=[served.toolset],
        limits=RunLimits(tool_timeout=0.3),
    )

    result = await agent.run("wait for it", runner=Runner(middleware=[]), keep_events=True)

    [finished] = [e for e in result.events if isinstance(e, ToolCallFinishedEvent)]
    assert finished.error is not None and finished.error.code == "tool_timeout"
    await _eventually(lambda: marker.read_text() == "cancelled", "the server saw the cancel")


async def test_cancelling_a_run_cancels_its_in_flight_mcp_call(
    served: Served, tmp_path: Path
) -> None:
    marker = tmp_path / "hang"
    agent = Agent(
        name="cancelled",
        model=FunctionModel(
            lambda request, info: ModelTurn(
                tool_calls=(call_tool("hang", {"marker": str(marker)}),)
            )
        ),
        tools=[served.toolset],
    )
    runner = Runner(middleware=[])
    stream = runner.iter_run(agent, "hang")
    first = await anext(stream)
    drain = asyncio.create_task(_drain(stream))
    await _eventually(lambda: marker.exists(), "the call started")

    cancelled = await runner.cancel(first.run.id)  # type: ignore[union-attr]
    await drain

    assert cancelled.status == "cancelled"
    await _eventually(lambda: marker.read_text() == "cancelled", "the server saw the cancel")


def _hang(marker: Path) -> Any:
    return call_tool("hang", {"marker": str(marker)})


async def _drain(stream: object) -> None:
    async for _event in stream:  # type: ignore[attr-defined]
        pass


async def test_the_tool_list_is_read_again_when_the_server_says_it_changed(
    served: Served,
) -> None:
    agent = Agent(name="grower", model="test", tools=[served.toolset])
    before = [t["function"]["name"] for t in agent.wire_tools()]

    assert await _tool(served, "grow").invoke("{}") == "grown"
    await _eventually(lambda: "extra" in served.toolset.names(), "the list was read again")

    assert "extra" not in before
    assert [t["function"]["name"] for t in agent.wire_tools()] == [*before, "extra"]
    assert await _tool(served, "extra").invoke("{}") == "extra!"


async def test_a_server_that_crashes_mid_call_fails_the_call_and_restarts_on_the_next(
    served: Served,
) -> None:
    events: list[object] = []
    ctx: RunContext[None] = RunContext(deps=None, call_id="call_2", emit=events.append)
    restarts = served.toolset.connection.restarts

    with pytest.raises(ToolExecutionError) as crashed:
        await _tool(served, "crash").invoke("{}")
    output = await _tool(served, "add").invoke('{"a": 2, "b": 2}', ctx)

    assert crashed.value.model_message() == (
        "Error: the MCP server 'sdk' stopped during the call (the process exited with status "
        "3); it is started again for the next call."
    )
    assert output == "4"
    assert events == [
        MCPServerRestartedEvent("sdk", "the process exited with status 3", restarts + 1)
    ]


async def test_a_50_mb_result_reaches_the_model_truncated_like_any_tool_output(
    served: Served,
) -> None:
    agent = Agent(
        name="reader",
        model=FunctionModel(
            lambda request, info: (
                ModelTurn(tool_calls=(call_tool("big", {"megabytes": 50}),))
                if info.turn == 1
                else text("read it")
            )
        ),
        tools=[served.toolset],
        limits=RunLimits(max_tool_output_chars=1000),
    )

    started = time.monotonic()
    result = await agent.run("read", runner=Runner(middleware=[]), keep_events=True)

    [finished] = [e for e in result.events if isinstance(e, ToolCallFinishedEvent)]
    assert finished.error is None
    # The same limit and marker as any other tool's output.
    assert finished.output == truncate_output("x" * (50 * 1024 * 1024), 1000)
    print(f"50 MB result read in {time.monotonic() - started:.1f} s")
