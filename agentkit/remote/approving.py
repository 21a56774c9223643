"""Approvals in remote runs: agentkit's own calls that need a person, and the service's.

Two kinds of calls wait for a decision in a remote run, both shown to the caller as a
``submit_tool_approval`` pause (Foundry's shape):

- agentkit's tools with ``needs_approval``: the service asked for their outputs; agentkit
  holds the other outputs until a person decides, runs the approved calls (with any edited
  arguments), tells the model a denied call was not run, and submits everything at once;
- the service's own calls (Foundry MCP tools with ``require_approval``): the decisions go to
  the service as ``tool_approvals``.

The paused run lives in the `RemoteRunner` that started it, as for outputs.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from agentkit.calls import ToolCall
from agentkit.records import (
    FunctionToolCall,
    RequiredAction,
    Run,
    RunStep,
    SubmitToolApproval,
    ToolApproval,
)
from agentkit.remote.answering import ToolAnswerer
from agentkit.remote.flavors import FOUNDRY_CLASSIC, RemoteFlavor
from agentkit.runs.dispatcher import ToolOutcome
from agentkit.tools.approval import denial_output

__all__ = ["ApprovalWait", "approval_pause", "approvals_wire", "decide_local"]


@dataclass
class ApprovalWait:
    """A remote run waiting for a person's decisions.

    Attributes:
        calls: the calls to decide, as shown in the pause.
        local: agentkit's own calls among them (empty: the service asked for approval).
        step: the ``tool_calls`` step agentkit's outcomes are recorded in.
    """

    calls: list[FunctionToolCall]
    local: list[ToolCall] = field(default_factory=list)
    step: RunStep | None = None

    @property
    def remote(self) -> bool:
        """Whether the service asked for these approvals (its own tools)."""
        return not self.local


def approval_pause(run: Run, calls: list[FunctionToolCall]) -> Run:
    """``run`` as shown while it waits for decisions on ``calls``."""
    action = RequiredAction(
        type="submit_tool_approval", submit_tool_approval=SubmitToolApproval(tool_calls=calls)
    )
    return run.model_copy(update={"required_action": action})


def approvals_wire(
    decisions: dict[str, ToolApproval], flavor: RemoteFlavor
) -> list[dict[str, Any]]:
    """The ``tool_approvals`` body: Foundry's fields only for Foundry, agentkit's as well else."""
    keep = {"tool_call_id", "approve", "headers"} if flavor is FOUNDRY_CLASSIC else None
    return [decision.model_dump(exclude_none=True, include=keep) for decision in decisions.values()]


async def decide_local(
    answerer: ToolAnswerer, wait: ApprovalWait, decisions: dict[str, ToolApproval], run_id: str
) -> list[ToolOutcome]:
    """Run the approved calls (edited arguments applied); the denied ones' outcomes say so."""
    approved = [
        replace(call, arguments=decisions[call.call_id].arguments or call.arguments)
        for call in wait.local
        if decisions[call.call_id].approve
    ]
    outcomes = await answerer.answer(approved, run_id)
    denied = [
        ToolOutcome(call, denial_output(decisions[call.call_id].reason), None, 0.0)
        for call in wait.local
        if not decisions[call.call_id].approve
    ]
    return [*outcomes, *denied]
