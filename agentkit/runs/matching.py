"""Checking what a caller sends to a paused run against the calls it waits for.

`match_outputs` checks tool outputs (``submit_tool_outputs``), `match_approvals` decisions
on calls that wait for a person (``submit_tool_approvals``): each waiting call exactly once,
nothing else. Local runs (`agentkit.runs.resume`, `agentkit.runs.approvals`) and remote ones
(`agentkit.remote`) check with the same rules and the same errors.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Mapping, Sequence
from typing import Any, TypeAlias

from agentkit.exceptions import ApprovalsMismatchError, ToolOutputsMismatchError
from agentkit.records import FunctionToolCall, ToolApproval

__all__ = ["Approvals", "ToolOutputs", "match_approvals", "match_outputs"]

ToolOutputs: TypeAlias = Mapping[str, str] | Sequence[Mapping[str, Any]]
"""``{call_id: output}``, or the Assistants API's ``[{"tool_call_id": ..., "output": ...}]``."""


def match_outputs(pending_ids: Sequence[str], outputs: ToolOutputs) -> dict[str, str]:
    """Outputs by call id, if they cover ``pending_ids`` exactly once; else raise.

    Raises:
        ToolOutputsMismatchError: naming the missing, unexpected and repeated call ids.
    """
    pairs = _pairs(outputs)
    counts = Counter(call_id for call_id, _ in pairs)
    repeated = sorted(i for i, n in counts.items() if n > 1)
    unknown = sorted(set(counts) - set(pending_ids))
    missing = [i for i in pending_ids if i not in counts]
    problems = []
    if missing:
        problems.append(f"missing outputs for {', '.join(missing)}")
    if unknown:
        problems.append(f"no pending call with id {', '.join(unknown)}")
    if repeated:
        problems.append(f"more than one output for {', '.join(repeated)}")
    if problems:
        raise ToolOutputsMismatchError(
            "Tool outputs must cover every pending call exactly once: " + "; ".join(problems) + "."
        )
    return dict(pairs)


def _pairs(outputs: ToolOutputs) -> list[tuple[str, str]]:
    if isinstance(outputs, Mapping):
        return [(str(k), _text(v)) for k, v in outputs.items()]
    pairs = []
    for entry in outputs:
        call_id = entry.get("tool_call_id")
        if not isinstance(call_id, str):
            raise ToolOutputsMismatchError("Every tool output needs a string 'tool_call_id'.")
        pairs.append((call_id, _text(entry.get("output", ""))))
    return pairs


def _text(value: Any) -> str:
    if not isinstance(value, str):
        raise ToolOutputsMismatchError(f"Tool outputs must be strings, got {type(value).__name__}.")
    if not value.isascii():
        try:
            value.encode("utf-8")
        except UnicodeEncodeError as exc:
            # Valid JSON ("\ud800"), but not text any store can keep: refuse it up front.
            raise ToolOutputsMismatchError(
                f"Tool outputs must be valid Unicode text: a lone surrogate "
                f"(\\u{ord(value[exc.start]):04x}) is at index {exc.start}."
            ) from None
    return value


Approvals: TypeAlias = (
    Mapping[str, ToolApproval | bool] | Sequence[ToolApproval | Mapping[str, Any]]
)
"""``{call_id: True | False | ToolApproval}``, or `ToolApproval` s (or their wire dicts)."""


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
