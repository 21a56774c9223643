from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from typing import Any

import pytest

from agentkit.context import RunContext
from agentkit.exceptions import ModelRetry, ToolExecutionError
from agentkit.models.request import ModelRequest
from agentkit.testing import FunctionInfo, FunctionModel, ModelTurn, call_tool
from agentkit.tools.base import Tool
from agentkit.tools.definition import ToolDefinition
from agentkit.toolsets.base import AnyTool, Toolset
from agentkit.usage import Usage

Turn = str | list[tuple[str, str, dict[str, Any]]]
USAGE = Usage(1, 10, 5)


class Script:
    """A `FunctionModel` turn function: the turns in order, and every request it was asked.

    A turn is text, or tool calls as ``[(call_id, name, args)]``; ``turns`` may also be a
    function of the request. Every turn reports 10 input and 5 output tokens.
    """

    def __init__(self, turns: list[Turn] | Callable[[ModelRequest], Turn]) -> None:
        self.turns = turns
        self.requests: list[ModelRequest] = []

    def __call__(self, request: ModelRequest, info: FunctionInfo) -> ModelTurn:
        self.requests.append(request)
        turn = self.turns(request) if callable(self.turns) else self.turns[len(self.requests) - 1]
        if isinstance(turn, str):
            return ModelTurn(text=turn, usage=USAGE)
        calls = tuple(call_tool(name, args, call_id=call_id) for call_id, name, args in turn)
        return ModelTurn(tool_calls=calls, usage=USAGE)


def requests_of(model: FunctionModel) -> list[ModelRequest]:
    """The requests a `FunctionModel` driven by a `Script` received, in order."""
    assert isinstance(model.function, Script)
    return model.function.requests


class FnTool(Tool):
    """A minimal Tool over an async function of keyword arguments."""

    def __init__(self, name: str, fn: Callable[..., Any], *, timeout: float | None = None) -> None:
        self._definition = ToolDefinition(name=name)
        self.fn = fn
        self.timeout = timeout
        self.calls = 0

    @property
    def definition(self) -> ToolDefinition:
        return self._definition

    async def invoke(self, arguments: str, ctx: RunContext[Any] | None = None) -> str:
        self.calls += 1
        try:
            result = self.fn(**json.loads(arguments))
            if asyncio.iscoroutine(result):
                result = await result
        except ModelRetry:
            raise
        except Exception as exc:
            raise ToolExecutionError("boom", tool_name=self.name) from exc
        return str(result)


class ListToolset(Toolset):
    def __init__(self, *tools: AnyTool) -> None:
        self._tools = list(tools)

    def tools(self) -> list[AnyTool]:
        return self._tools


@pytest.fixture
def no_leaked_tasks() -> Any:
    yield
    # every test leaves only the test's own task running
    current = asyncio.current_task()
    others = [t for t in asyncio.all_tasks() if t is not current and not t.done()]
    assert others == []
