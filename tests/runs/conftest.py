from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Callable
from typing import Any

import pytest

from agentkit.context import RunContext
from agentkit.exceptions import ModelRetry, ToolExecutionError
from agentkit.models.base import Model
from agentkit.models.events import (
    ModelResponseDone,
    ModelStreamEvent,
    ModelTextDelta,
    ModelToolCall,
)
from agentkit.models.request import ModelRequest
from agentkit.tools.base import Tool
from agentkit.tools.definition import ToolDefinition
from agentkit.toolsets.base import AnyTool, Toolset
from agentkit.usage import Usage

Turn = str | list[tuple[str, str, dict[str, Any]]]


class ScriptedModel(Model):
    """Replies with the scripted turns in order: text, or [(call_id, name, args)]."""

    model_name = "scripted"
    provider = "test"

    def __init__(self, turns: list[Turn] | Callable[[ModelRequest], Turn]) -> None:
        self.turns = turns
        self.requests: list[ModelRequest] = []

    async def stream(self, request: ModelRequest) -> AsyncIterator[ModelStreamEvent]:
        self.requests.append(request)
        turn = self.turns(request) if callable(self.turns) else self.turns[len(self.requests) - 1]
        if isinstance(turn, str):
            for i in range(0, len(turn), 4):
                yield ModelTextDelta(turn[i : i + 4])
            yield ModelResponseDone("resp", "stop", Usage(1, 10, 5))
            return
        for call_id, name, args in turn:
            yield ModelToolCall(call_id, name, json.dumps(args))
        yield ModelResponseDone("resp", "tool_calls", Usage(1, 10, 5))


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
