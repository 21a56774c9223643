"""The explicit state of a run, passed between the loop's steps and saved with the run."""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import TYPE_CHECKING, Any, Literal

from agentkit.context import RunContext
from agentkit.models.request import (
    AssistantMessageItem,
    ModelItem,
    ModelRequest,
    ToolCallItem,
    ToolOutputItem,
    UserMessageItem,
)
from agentkit.records import FunctionToolCall, Message, Run, RunStep
from agentkit.runs.hosted import HostedResults, MessageParts
from agentkit.runs.lease import LeaseTerms
from agentkit.stores.base import Store
from agentkit.usage import Usage

if TYPE_CHECKING:
    from agentkit.agent import Agent

__all__ = ["DispatchMode", "RunState", "items_from_json", "items_to_json"]

DispatchMode = Literal["auto", "manual"]

_ITEM_TYPES: dict[str, type[Any]] = {
    "user": UserMessageItem,
    "assistant": AssistantMessageItem,
    "tool_call": ToolCallItem,
    "tool_output": ToolOutputItem,
}


_ITEM_FIELDS: dict[str, tuple[str, ...]] = {
    kind: tuple(f.name for f in fields(cls)) for kind, cls in _ITEM_TYPES.items()
}


def items_to_json(items: list[ModelItem]) -> list[dict[str, Any]]:
    """Model items as JSON-compatible dicts."""
    # Items hold only strings, so a flat dict per item is a full copy (asdict deep-copies).
    return [{name: getattr(item, name) for name in _ITEM_FIELDS[item.kind]} for item in items]


def items_from_json(data: list[dict[str, Any]]) -> list[ModelItem]:
    """The inverse of `items_to_json`."""
    return [_ITEM_TYPES[entry["kind"]](**entry) for entry in data]


@dataclass
class RunState:
    """Everything the loop knows about one run while it drives it.

    Only `to_json`'s part is persisted (with the run, in the store); the rest is rebuilt from
    the store when another process resumes the run.

    Attributes:
        history: the thread's messages before this run, as model items.
        items: what this run added to the conversation (tool calls, outputs, text).
        turn: model calls made so far.
        failures: consecutive failed calls per tool name.
        tool_history: the run's finished tool calls, oldest first (rebuilt from its steps
            when the run resumes).
        last_turn_calls: the calls of the last closed ``tool_calls`` step.
        last_request: the last request sent to the model, as the middleware passed it on.
        pending_step: the ``tool_calls`` step whose outputs are not all in yet.
        hosted_results: hosted calls' results of the current turn, until the step has them.
        message_parts: what hosted calls produced for the next assistant message.
        terms: how the driver holds the run's lease (its owner id, ttl, heartbeat).
        released: the driver is letting the run go unended, for another to continue
            (`Runner.release`); a cancellation then records no ending.
        live: whether the run's events are read as they come (`agentkit.runs.liveness`);
            its model requests say so (`ModelRequest.live`).

    Middleware and tools keep their own per-run state in ``ctx.state``, saved here too.
    """

    run: Run
    agent: Agent[Any, Any]
    store: Store
    ctx: RunContext[Any]
    mode: DispatchMode = "auto"
    history: list[ModelItem] = field(default_factory=list)
    items: list[ModelItem] = field(default_factory=list)
    turn: int = 0
    usage: Usage = field(default_factory=Usage)
    failures: dict[str, int] = field(default_factory=dict)
    tool_history: list[FunctionToolCall] = field(default_factory=list)
    last_turn_calls: tuple[FunctionToolCall, ...] = ()
    last_request: ModelRequest | None = None
    pending_step: RunStep | None = None
    final_message: Message | None = None
    hosted_results: HostedResults = field(default_factory=dict)
    message_parts: MessageParts = field(default_factory=MessageParts)
    terms: LeaseTerms = field(default_factory=LeaseTerms)
    released: bool = False
    live: bool = True

    def to_json(self) -> dict[str, Any]:
        """The persisted part of the state."""
        return {
            "mode": self.mode,
            "items": items_to_json(self.items),
            "turn": self.turn,
            "usage": {
                "requests": self.usage.requests,
                "input_tokens": self.usage.input_tokens,
                "output_tokens": self.usage.output_tokens,
            },
            "failures": dict(self.failures),
            "pending_step_id": self.pending_step.id if self.pending_step else None,
            "ctx_state": self.ctx.state,
            "message_parts": self.message_parts.to_json(),
        }

    def load_json(self, data: dict[str, Any]) -> None:
        """Restore the persisted part (the pending step is loaded by the caller)."""
        self.mode = data.get("mode", "auto")
        self.items = items_from_json(data.get("items", []))
        self.turn = int(data.get("turn", 0))
        self.usage = Usage(**data.get("usage", {}))
        self.failures = {str(k): int(v) for k, v in data.get("failures", {}).items()}
        self.message_parts = MessageParts.from_json(data.get("message_parts", {}))
        self.ctx.state.clear()
        self.ctx.state.update(data.get("ctx_state", {}))
