"""`FunctionModel`: a model whose every turn is decided by your function."""

from __future__ import annotations

import inspect
import json
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeAlias

from agentkit.exceptions import UserError
from agentkit.models.base import Model
from agentkit.models.events import (
    FinishReason,
    ModelResponseDone,
    ModelStreamEvent,
    ModelToolCall,
)
from agentkit.models.request import ModelRequest, ToolCallItem
from agentkit.models.test import stream_text
from agentkit.tools.definition import ToolDefinition
from agentkit.usage import Usage

__all__ = [
    "FunctionInfo",
    "FunctionModel",
    "ModelTurn",
    "TurnFunction",
    "TurnResult",
    "call_tool",
    "text",
]


@dataclass(frozen=True, slots=True)
class ModelTurn:
    """What the model says in one turn: text and/or tool calls.

    Attributes:
        finish_reason: defaults to ``"tool_calls"`` when there are calls, else ``"stop"``.
        incomplete_reason: set it (with ``finish_reason="length"``) to simulate a cut answer.
        usage: reported usage; by default one request and a rough token count.
    """

    text: str | None = None
    tool_calls: tuple[ModelToolCall, ...] = ()
    finish_reason: FinishReason | None = None
    incomplete_reason: str | None = None
    usage: Usage | None = None


def call_tool(
    name: str, args: Mapping[str, Any] | str | None = None, call_id: str | None = None
) -> ModelToolCall:
    """A tool call to return from a `FunctionModel` function.

    Args:
        name: the tool to call.
        args: the arguments, as a dict (serialized to JSON) or a raw string (sent as is, so
            you can test invalid JSON).
        call_id: the call's id; by default numbered after the calls already in the request.
    """
    arguments = args if isinstance(args, str) else json.dumps(dict(args or {}))
    return ModelToolCall(call_id=call_id or "", name=name, arguments=arguments)


def text(*parts: str) -> ModelTurn:
    """A text answer (parts are joined) to return from a `FunctionModel` function."""
    return ModelTurn(text="".join(parts))


@dataclass(frozen=True, slots=True)
class FunctionInfo:
    """Context for the turn function besides the request.

    Attributes:
        turn: the 1-based model call within the run.
        tools: the tools offered this turn, by name.
        calls_so_far: how many times this `FunctionModel` has been called.
    """

    turn: int
    tools: Mapping[str, ToolDefinition] = field(default_factory=dict)
    calls_so_far: int = 0


TurnResult: TypeAlias = str | ModelTurn | ModelToolCall | Sequence[str | ModelTurn | ModelToolCall]
TurnFunction: TypeAlias = Callable[[ModelRequest, FunctionInfo], TurnResult | Awaitable[TurnResult]]


class FunctionModel(Model):
    """A model that asks your function (sync or async) what to say each turn.

    The function gets the `ModelRequest` and a `FunctionInfo` and returns text, a
    `call_tool(...)`, a `ModelTurn`, or a list mixing them (text is joined, calls are kept in
    order)::

        def script(request: ModelRequest, info: FunctionInfo) -> TurnResult:
            if info.turn == 1:
                return [call_tool("get_weather", {"city": "Paris"}), call_tool("get_time", {})]
            return "Sunny, and it is noon."

        agent = Agent(..., model=FunctionModel(script))
    """

    def __init__(self, function: TurnFunction, *, model_name: str = "function") -> None:
        if not callable(function):
            raise UserError(f"FunctionModel: function must be callable, not {function!r}")
        self.function = function
        self.model_name = model_name
        self.provider = "test"
        self.calls = 0

    def describe(self) -> str:
        """One line for CLIs: which function decides the turns."""
        return f"FunctionModel({getattr(self.function, '__name__', repr(self.function))})"

    async def stream(self, request: ModelRequest) -> AsyncIterator[ModelStreamEvent]:
        info = FunctionInfo(
            turn=request.turn,
            tools={tool.name: tool for tool in request.tools},
            calls_so_far=self.calls,
        )
        self.calls += 1
        result = self.function(request, info)
        if inspect.isawaitable(result):
            result = await result
        turn = _as_turn(result)
        if turn.text:
            for delta in stream_text(turn.text):
                yield delta
        first = sum(isinstance(item, ToolCallItem) for item in request.items) + 1
        for offset, call in enumerate(turn.tool_calls):
            call_id = call.call_id or f"call_fn_{first + offset}"
            yield ModelToolCall(call_id=call_id, name=call.name, arguments=call.arguments)
        finish = turn.finish_reason or ("tool_calls" if turn.tool_calls else "stop")
        usage = turn.usage or Usage(
            requests=1, output_tokens=len(turn.text or "") // 4 + len(turn.tool_calls)
        )
        response_id = f"resp_fn_{request.run_id or 'run'}_{request.turn}"
        yield ModelResponseDone(response_id, finish, usage, turn.incomplete_reason)


def _as_turn(result: object) -> ModelTurn:
    if isinstance(result, ModelTurn):
        return result
    if isinstance(result, str):
        return ModelTurn(text=result)
    if isinstance(result, ModelToolCall):
        return ModelTurn(tool_calls=(result,))
    if isinstance(result, Sequence):
        texts: list[str] = []
        calls: list[ModelToolCall] = []
        for part in result:
            turn = _as_turn(part)
            texts.append(turn.text or "")
            calls.extend(turn.tool_calls)
        return ModelTurn(text="".join(texts) or None, tool_calls=tuple(calls))
    raise UserError(
        "FunctionModel: the function must return str, ModelTurn, call_tool(...) or a list of "
        f"them, not {type(result).__name__}"
    )
