"""Tool approvals: calls that wait for a person, the pause, and the decisions that resume it.

A call to a tool whose ``needs_approval`` says so is not run: the other calls of the step
run, then the run pauses in ``requires_action`` with a ``submit_tool_approval`` action
listing the waiting calls (Azure AI Foundry's shape). Decisions (`ToolApproval`) come back
through `prepare_approval`, from any process sharing the store; they are checked against the
calls the stored run waits for and saved on those calls in the step, with the run's new
status, in one store operation. Nothing the client holds is trusted but its decisions.

- approved: the call runs, with the edited arguments if the decision has some (the model's
  call is then rewritten to them, so the conversation says what ran);
- denied: the call does not run; the model is told so, with the reason.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Any

from agentkit.calls import ToolCall
from agentkit.context import RunContext
from agentkit.models.request import ToolCallItem
from agentkit.records import (
    FunctionToolCall,
    RequiredAction,
    RunStep,
    SubmitToolApproval,
    ToolApproval,
    ToolCallsStepDetails,
)
from agentkit.runs.lease import LeaseTerms
from agentkit.runs.matching import Approvals, match_approvals
from agentkit.runs.resume import paused_run, resume_paused
from agentkit.runs.state import RunState
from agentkit.runs.steps import pause_run
from agentkit.stores.base import Store
from agentkit.tools.approval import denial_output, needs_approval
from agentkit.tools.base import Tool

if TYPE_CHECKING:
    from agentkit.agent import Agent

__all__ = [
    "pause_for_approval",
    "prepare_approval",
    "split_approvals",
]


async def split_approvals(
    state: RunState, calls: list[ToolCall]
) -> tuple[list[ToolCall], list[FunctionToolCall]]:
    """The calls to run now (approved ones with their edited arguments), and those to wait."""
    assert state.pending_step is not None
    records = {c.id: c for c in _calls(state.pending_step)}
    ready: list[ToolCall] = []
    waiting: list[FunctionToolCall] = []
    for call in calls:
        record = records[call.call_id]
        if record.approval is not None:
            ready.append(replace(call, arguments=record.approval.arguments or call.arguments))
        elif isinstance(call.tool, Tool) and await _needs_approval(state, call, call.tool):
            waiting.append(record)
        else:
            ready.append(call)
    return ready, waiting


async def _needs_approval(state: RunState, call: ToolCall, tool: Tool) -> bool:
    rule = tool.needs_approval
    if isinstance(rule, bool):  # the common case: no per-call context to build
        return rule
    ctx = replace(state.ctx, call_id=call.call_id, tool_name=call.name)
    return await needs_approval(rule, call.arguments, ctx)


async def pause_for_approval(state: RunState, calls: list[FunctionToolCall]) -> None:
    """Stop in ``requires_action`` until a person decides ``calls``."""
    action = RequiredAction(
        type="submit_tool_approval", submit_tool_approval=SubmitToolApproval(tool_calls=calls)
    )
    await pause_run(state, calls, action)


async def prepare_approval(
    store: Store,
    agent: Agent[Any, Any],
    run_id: str,
    approvals: Approvals,
    ctx: RunContext[Any],
    terms: LeaseTerms,
) -> RunState:
    """Check the decisions against the paused run, save them, and move it to ``in_progress``.

    Nothing changes when they do not match or the run does not wait for approvals.

    Raises:
        ApprovalsMismatchError: see `match_approvals`.
        InvalidRunStateError: the run is not waiting for approvals (or has expired).
    """
    run = await paused_run(store, run_id, "submit_tool_approval", "approvals", terms)
    assert run.required_action is not None
    decisions = match_approvals(run.required_action.tool_calls, approvals)

    def decide(state: RunState, step: RunStep) -> RunStep:
        _edit_conversation(state, decisions)
        return _with_decisions(step, decisions)

    return await resume_paused(store, agent, run, ctx, terms, decide)


def _with_decisions(step: RunStep, decisions: dict[str, ToolApproval]) -> RunStep:
    calls = []
    for call in _calls(step):
        decision = decisions.get(call.id)
        if decision is None:
            calls.append(call)
            continue
        update: dict[str, Any] = {"approval": decision}
        if not decision.approve:
            output = denial_output(decision.reason)
            update["function"] = call.function.model_copy(update={"output": output})
        calls.append(call.model_copy(update=update))
    return step.model_copy(update={"step_details": ToolCallsStepDetails(tool_calls=calls)})


def _edit_conversation(state: RunState, decisions: dict[str, ToolApproval]) -> None:
    edited = {i: d.arguments for i, d in decisions.items() if d.approve and d.arguments}
    if edited:
        state.items = [
            replace(item, arguments=edited[item.call_id])
            if isinstance(item, ToolCallItem) and item.call_id in edited
            else item
            for item in state.items
        ]


def _calls(step: RunStep) -> list[FunctionToolCall]:
    details = step.step_details
    assert isinstance(details, ToolCallsStepDetails)
    return details.tool_calls
