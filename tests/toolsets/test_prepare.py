"""Toolsets whose tools are known only after async work: the runner prepares and closes them."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import pytest

from agentkit import Agent, Runner, tool
from agentkit.exceptions import ToolsetError, UserError
from agentkit.models import ModelRequest, ToolOutputItem
from agentkit.testing import FunctionInfo, FunctionModel, ModelTurn, call_tool, text
from agentkit.toolsets import AnyTool, CombinedToolset, FunctionToolset, Toolset


@tool
def remote_lookup(q: str) -> str:
    """Look something up remotely."""
    return q.upper()


class LateToolset(Toolset):
    """Knows its tools only once prepared, like an MCP server; counts what the runner does."""

    def __init__(self, fail: bool = False) -> None:
        self.fail = fail
        self.prepared = 0
        self.closed = 0
        self._tools: tuple[AnyTool, ...] = ()

    def tools(self) -> Sequence[AnyTool]:
        return self._tools

    async def prepare(self) -> None:
        self.prepared += 1
        if self.fail:
            raise ToolsetError("the server is down")
        self._tools = (remote_lookup,)

    async def aclose(self) -> None:
        self.closed += 1


def _calls_lookup(request: ModelRequest, info: FunctionInfo) -> ModelTurn:
    outputs = [i.output for i in request.items if isinstance(i, ToolOutputItem)]
    if not outputs:
        assert [t.name for t in request.tools] == ["remote_lookup"]
        return ModelTurn(tool_calls=(call_tool("remote_lookup", {"q": "mcp"}),))
    return text(outputs[0])


async def test_the_runner_prepares_the_tools_before_the_first_turn_and_records_them() -> None:
    late = LateToolset()
    agent = Agent(name="late", model=FunctionModel(_calls_lookup), tools=[late])
    assert agent.wire_tools() == []

    async with Runner() as runner:
        result = await runner.run(agent, "go")
        again = await runner.run(agent, "again")

    assert result.output_text == again.output_text == "MCP"
    assert [t["function"]["name"] for t in result.run.tools] == ["remote_lookup"]
    assert (late.prepared, late.closed) == (2, 1)


@pytest.mark.parametrize(
    "wrap",
    [
        lambda t: t.prefixed("x").renamed({"x_remote_lookup": "remote_lookup"}),
        lambda t: t.filtered(lambda d: d.name.startswith("remote")),
        lambda t: CombinedToolset([FunctionToolset([]), t]),
    ],
    ids=["prefixed+renamed", "filtered", "combined"],
)
async def test_wrappers_prepare_and_close_what_they_wrap(
    wrap: Callable[[Toolset], Toolset],
) -> None:
    late = LateToolset()
    agent = Agent(name="late", model=FunctionModel(_calls_lookup), tools=[wrap(late)])

    async with Runner() as runner:
        result = await runner.run(agent, "go")

    assert result.output_text == "MCP"
    assert (late.prepared, late.closed) == (1, 1)


async def test_a_rename_of_a_tool_the_prepared_toolset_lacks_is_refused_at_prepare() -> None:
    renamed = LateToolset().renamed({"no_such_tool": "x"})  # not known yet: no error

    with pytest.raises(UserError, match=r"cannot rename \['no_such_tool'\]"):
        await renamed.prepare()


async def test_a_toolset_that_cannot_prepare_fails_the_start_and_stores_nothing() -> None:
    agent = Agent(name="down", model=FunctionModel(_calls_lookup), tools=[LateToolset(fail=True)])
    runner = Runner()
    thread = await runner.create_thread()

    with pytest.raises(ToolsetError, match="the server is down"):
        await runner.run(agent, "go", thread=thread)

    assert await runner.store.list_runs(thread.id) == []
    assert await runner.store.list_messages(thread.id) == []


async def test_a_resumed_run_prepares_the_tools_again() -> None:
    late = LateToolset()
    agent = Agent(name="late", model=FunctionModel(_calls_lookup), tools=[late])
    runner = Runner()

    paused = await runner.run(agent, "go", dispatch="manual")
    late._tools = ()  # a new process: nothing known before it prepares
    result = await runner.submit_tool_outputs(agent, paused.run, {"call_fn_1": "from caller"})

    assert paused.status == "requires_action"
    assert result.output_text == "from caller"
    assert late.prepared == 2


async def test_the_toolsets_of_agents_a_run_may_hand_over_to_are_prepared_and_closed() -> None:
    late = LateToolset()

    def look_up(request: ModelRequest, info: FunctionInfo) -> ModelTurn:
        if "remote_lookup" not in [t.name for t in request.tools]:
            return text("my tools were never prepared")
        found = [i.output for i in request.items if isinstance(i, ToolOutputItem)]
        if not any(i.call_id == "c_lookup" for i in request.items if isinstance(i, ToolOutputItem)):
            call = call_tool("remote_lookup", {"q": "mcp"}, call_id="c_lookup")
            return ModelTurn(tool_calls=(call,))
        return text(found[-1])

    specialist = Agent(name="specialist", model=FunctionModel(look_up), tools=[late])

    def hand_over(request: ModelRequest, info: FunctionInfo) -> ModelTurn:
        return ModelTurn(tool_calls=(call_tool("transfer_to_specialist", {}),))

    triage = Agent(name="triage", model=FunctionModel(hand_over), handoffs=[specialist])
    async with Runner() as runner:
        result = await runner.run(triage, "go")

    assert result.output_text == "MCP"
    assert (late.prepared, late.closed) == (1, 1)
