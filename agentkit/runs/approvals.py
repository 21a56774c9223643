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

import json
from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING, Any, TypeAlias

from agentkit.calls import ToolCall
from agentkit.context import RunContext
from agentkit.exceptions import ApprovalsMismatchError
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
from agentkit.runs.resume import paused_run, resume_paused
from agentkit.runs.state import RunState
from agentkit.runs.steps import pause_run
from agentkit.stores.base import Store
from agentkit.tools.approval import needs_approval
from agentkit.tools.base import Tool

if TYPE_CHECKING:
    from agentkit.agent import Agent

__all__ = [
    "Approvals",
    "denial_output",
    "match_approvals",
    "pause_for_approval",
    "prepare_approval",
    "split_approvals",
]

Approvals: TypeAlias = (
    Mapping[str, ToolApproval | bool] | Sequence[ToolApproval | Mapping[str, Any]]
)
"""``{call_id: True | False | ToolApproval}``, or `ToolApproval` s (or their wire dicts)."""


def denial_output(reason: str | None) -> str:
    """What the model is told about a call a person denied."""
    told = "The call was not run: the user denied it."
    return f"{told} Reason: {reason}" if reason else told


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


def match_approvals(
    waiting: Sequence[FunctionToolCall], approvals: Approvals
) -> dict[str, ToolApproval]:
    """Decisions by call id, if they decide ``waiting`` exactly once each; else raise.

    Raises:
        ApprovalsMismatchError: missing, unknown or repeated call ids, or edited arguments
            that are not a JSON object.
    """
    decisions = _decisions(approvals)
    ids = [d.tool_call_id for d in decisions]
    pending = [c.id for c in waiting]
    problems = []
    if missing := [i for i in pending if i not in ids]:
        problems.append(f"no decision for {', '.join(missing)}")
    if unknown := sorted(set(ids) - set(pending)):
        problems.append(f"no call waiting for approval with id {', '.join(unknown)}")
    if repeated := sorted({i for i in ids if ids.count(i) > 1}):
        problems.append(f"more than one decision for {', '.join(repeated)}")
    problems += [_bad_arguments(d) for d in decisions if _bad_arguments(d)]
    if problems:
        raise ApprovalsMismatchError(
            "Approvals must decide every waiting call exactly once: " + "; ".join(problems) + "."
        )
    return {d.tool_call_id: d for d in decisions}


def _decisions(approvals: Approvals) -> list[ToolApproval]:
    try:
        if isinstance(approvals, Mapping):
            return [_decision(call_id, value) for call_id, value in approvals.items()]
        return [d if isinstance(d, ToolApproval) else ToolApproval(**d) for d in approvals]
    except (TypeError, ValueError) as exc:
        raise ApprovalsMismatchError(f"Not a valid approval: {exc}") from None


def _decision(call_id: str, value: ToolApproval | bool) -> ToolApproval:
    if isinstance(value, bool):
        return ToolApproval(tool_call_id=call_id, approve=value)
    if not isinstance(value, ToolApproval) or value.tool_call_id != call_id:
        raise ValueError(f"the decision for {call_id} must be a bool or its ToolApproval")
    return value


def _bad_arguments(decision: ToolApproval) -> str:
    if decision.arguments is None or not decision.approve:
        return ""
    try:
        value = json.loads(decision.arguments)
    except json.JSONDecodeError:
        value = None
    if isinstance(value, dict):
        return ""
    return f"the edited arguments for {decision.tool_call_id} are not a JSON object"


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
