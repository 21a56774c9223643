"""`TestModel`: an offline, deterministic model that exercises an agent's tools."""

from __future__ import annotations

import hashlib
import json
from collections.abc import AsyncIterator, Sequence
from typing import Literal

from agentkit.exceptions import UserError
from agentkit.models.base import Model
from agentkit.models.events import (
    ModelResponseDone,
    ModelStreamEvent,
    ModelTextDelta,
    ModelToolCall,
)
from agentkit.models.request import (
    AllowedTools,
    AssistantMessageItem,
    ModelItem,
    ModelRequest,
    NamedToolChoice,
    ToolCallItem,
    ToolOutputItem,
    UserMessageItem,
)
from agentkit.models.schema_values import value_for_schema
from agentkit.tools.definition import ToolDefinition
from agentkit.usage import Usage

__all__ = ["TestModel", "stream_text"]


class TestModel(Model):
    """Calls the agent's tools with schema-valid arguments, then answers from their outputs.

    Each turn, looking only at the items since the last user message:

    - tools offered and not called yet: call them all in one turn (one per turn when
      ``parallel_tool_calls`` is False), with arguments generated from their JSON schemas;
    - otherwise: answer ``text`` if given, else a JSON object of the outputs by tool name
      (``{"get_weather": "sunny"}``), or ``You said: …`` when no tool was called. When the
      request asks for a typed answer (``output``), the answer is a value generated from
      its schema instead (``{"answer": …}`` for a plain JSON object).

    ``tool_choice`` is honoured: ``"none"`` never calls, a named or allowed-tools choice
    limits the candidates, and ``"required"`` forces a call every turn, as the real API does.
    Text streams in a few deltas; usage is a rough count of characters / 4. Call ids are
    ``call_test_<run digest>_<n>``: the same within a run, never reused by another run
    (``call_test_<n>`` for a request without a ``run_id``).

    Args:
        call_tools: ``"all"`` or the names of the tools to call.
        text: the final answer to give instead of the generated one.
        seed: varies the generated argument values.
    """

    __test__ = False  # not a pytest test class

    def __init__(
        self,
        *,
        call_tools: Literal["all"] | Sequence[str] = "all",
        text: str | None = None,
        seed: int = 0,
    ) -> None:
        if isinstance(call_tools, str) and call_tools != "all":
            raise UserError(
                f"TestModel: call_tools must be 'all' or a list of names, not {call_tools!r}"
            )
        self.call_tools = call_tools if call_tools == "all" else tuple(call_tools)
        self.text = text
        self.seed = seed
        self.model_name = "test"
        self.provider = "test"

    def describe(self) -> str:
        """One line for CLIs: which model this is."""
        return "TestModel (offline, deterministic)"

    async def stream(self, request: ModelRequest) -> AsyncIterator[ModelStreamEvent]:
        response_id = f"resp_test_{request.run_id or 'run'}_{request.turn}"
        calls = self._calls_for(request)
        if calls:
            for call in calls:
                yield call
            yield ModelResponseDone(response_id, "tool_calls", _usage(request, calls))
            return
        answer = self._answer(request.items) if request.output is None else self._typed(request)
        for delta in stream_text(answer):
            yield delta
        yield ModelResponseDone(response_id, "stop", _usage(request, answer))

    def _calls_for(self, request: ModelRequest) -> list[ModelToolCall]:
        candidates = [tool for tool in _eligible(request) if self._wants(tool.name)]
        if not candidates:
            return []
        since_user = _since_last_user(request.items)
        called = {item.name for item in since_user if isinstance(item, ToolCallItem)}
        forced = request.tool_choice == "required" or isinstance(
            request.tool_choice, NamedToolChoice
        )
        todo = [tool for tool in candidates if tool.name not in called]
        if not todo and forced:
            todo = candidates
        if request.parallel_tool_calls is False:
            todo = todo[:1]
        first = sum(isinstance(item, ToolCallItem) for item in request.items) + 1
        prefix = _call_id_prefix(request.run_id)
        return [
            ModelToolCall(
                call_id=f"{prefix}{first + offset}",
                name=tool.name,
                arguments=json.dumps(value_for_schema(tool.parameters, seed=self.seed)),
            )
            for offset, tool in enumerate(todo)
        ]

    def _wants(self, name: str) -> bool:
        return self.call_tools == "all" or name in self.call_tools

    def _typed(self, request: ModelRequest) -> str:
        output = request.output
        assert output is not None
        if self.text is not None:
            return self.text
        if output.type == "json_object" or output.schema is None:
            return json.dumps({"answer": self._answer(request.items)}, ensure_ascii=False)
        return json.dumps(value_for_schema(output.schema, seed=self.seed), ensure_ascii=False)

    def _answer(self, items: tuple[ModelItem, ...]) -> str:
        if self.text is not None:
            return self.text
        since_user = _since_last_user(items)
        names = {item.call_id: item.name for item in since_user if isinstance(item, ToolCallItem)}
        outputs = {
            names.get(item.call_id, item.call_id): _maybe_json(item.output)
            for item in since_user
            if isinstance(item, ToolOutputItem)
        }
        if outputs:
            return json.dumps(outputs, ensure_ascii=False)
        last_user = next(
            (item.text for item in reversed(items) if isinstance(item, UserMessageItem)), ""
        )
        return f"You said: {last_user}"


def stream_text(text: str, pieces: int = 3) -> list[ModelTextDelta]:
    """``text`` as a few deltas, split at word boundaries where possible."""
    words = text.split(" ")
    size = max(1, -(-len(words) // pieces))
    groups = [" ".join(words[i : i + size]) for i in range(0, len(words), size)]
    return [ModelTextDelta(g if i == len(groups) - 1 else g + " ") for i, g in enumerate(groups)]


def _call_id_prefix(run_id: str) -> str:
    """``call_test_`` and a short digest of the run, so no two runs share a call id.

    Ids stay deterministic within a run, and one thread's steps, a served API or a store
    never see the same id twice.
    """
    if not run_id:
        return "call_test_"
    return f"call_test_{hashlib.sha256(run_id.encode()).hexdigest()[:12]}_"


def _eligible(request: ModelRequest) -> list[ToolDefinition]:
    choice = request.tool_choice
    if choice == "none":
        return []
    if isinstance(choice, NamedToolChoice):
        return [tool for tool in request.tools if tool.name == choice.name]
    if isinstance(choice, AllowedTools):
        return [tool for tool in request.tools if tool.name in choice.names]
    return list(request.tools)


def _since_last_user(items: tuple[ModelItem, ...]) -> tuple[ModelItem, ...]:
    for index in range(len(items) - 1, -1, -1):
        if isinstance(items[index], UserMessageItem):
            return items[index + 1 :]
    return items


def _maybe_json(output: str) -> object:
    try:
        return json.loads(output)
    except ValueError:
        return output


def _usage(request: ModelRequest, produced: str | list[ModelToolCall]) -> Usage:
    seen = len(request.instructions or "")
    for item in request.items:
        if isinstance(item, UserMessageItem | AssistantMessageItem):
            seen += len(item.text)
        elif isinstance(item, ToolCallItem):
            seen += len(item.name) + len(item.arguments)
        else:
            seen += len(item.output)
    seen += sum(len(json.dumps(tool.parameters)) for tool in request.tools)
    if isinstance(produced, str):
        made = len(produced)
    else:
        made = sum(len(call.name) + len(call.arguments) for call in produced)
    return Usage(requests=1, input_tokens=seen // 4 + 1, output_tokens=made // 4 + 1)
