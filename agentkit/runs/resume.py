"""Resuming a run paused in ``requires_action``: check the outputs, then rebuild its state."""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, TypeAlias

from agentkit.context import RunContext
from agentkit.exceptions import InvalidRunStateError, ToolOutputsMismatchError
from agentkit.records import Run, RunStep, ToolCallsStepDetails
from agentkit.runs.external import expire_if_due
from agentkit.runs.history import history_items
from agentkit.runs.lease import LeaseTerms
from agentkit.runs.state import RunState
from agentkit.stores.base import Store

if TYPE_CHECKING:
    from agentkit.agent import Agent

__all__ = ["ToolOutputs", "load_state", "match_outputs", "prepare_resume"]

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


async def prepare_resume(
    store: Store,
    agent: Agent[Any],
    run_id: str,
    outputs: ToolOutputs,
    ctx: RunContext[Any],
    terms: LeaseTerms,
) -> RunState:
    """Check ``outputs`` against the paused run and move it back to ``in_progress``.

    Nothing is changed when the outputs do not match or the run cannot be resumed. The run's
    new status, its lease (``terms``) and the step holding the outputs are saved in one store
    operation, so a run is never left ``in_progress`` without its outputs, and once the
    resume is acknowledged a crash cannot lose them: the run is recovered with them.
    """
    run = await store.get_run(run_id)
    if run.status != "requires_action" or run.required_action is None:
        raise InvalidRunStateError(
            f"Run {run_id} is {run.status}; tool outputs can only be submitted to a run in "
            "requires_action."
        )
    if run.expires_at is not None and time.time() >= run.expires_at:
        await expire_if_due(store, run, terms)
        raise InvalidRunStateError(f"Run {run_id} expired at {run.expires_at}.")
    pending_ids = [c.id for c in run.required_action.submit_tool_outputs.tool_calls]
    by_id = match_outputs(pending_ids, outputs)
    resumed = run.model_copy(update={"status": "in_progress", "required_action": None})
    state = await load_state(store, agent, resumed, ctx, terms)
    assert state.pending_step is not None
    state.pending_step = _with_outputs(state.pending_step, by_id)
    # The last await before the loop takes over: after it, the run is driven.
    if not await store.transition_run(
        resumed,
        expected={"requires_action"},
        state=state.to_json(),
        steps=[state.pending_step],
        lease=terms.lease(),
    ):
        raise InvalidRunStateError(f"Run {run_id} was resumed or cancelled by someone else.")
    return state


async def load_state(
    store: Store, agent: Agent[Any], run: Run, ctx: RunContext[Any], terms: LeaseTerms
) -> RunState:
    """The state of a stored run, as its last checkpoint left it, for ``agent`` to drive.

    The saved part comes from the store (`RunState.to_json`); the rest is rebuilt from the
    run's steps (its pending step, its tool history) and its thread's messages.
    """
    data = await store.get_run_state(run.id)
    steps = await store.list_steps(run.id)
    state = RunState(run=run, agent=agent, store=store, ctx=ctx, terms=terms)
    state.load_json(data)
    pending_id = data.get("pending_step_id")
    state.pending_step = next((s for s in steps if s.id == pending_id), None)
    closed = [
        step.step_details.tool_calls
        for step in steps
        if step.status == "completed" and isinstance(step.step_details, ToolCallsStepDetails)
    ]
    state.tool_history = [call for calls in closed for call in calls]
    state.last_turn_calls = tuple(closed[-1]) if closed else ()
    earlier = [m for m in await store.list_messages(run.thread_id) if m.run_id != run.id]
    state.history = history_items(
        earlier, agent.truncation, max_prompt_tokens=run.max_prompt_tokens
    )
    return state


def _with_outputs(step: RunStep, outputs: dict[str, str]) -> RunStep:
    details = step.step_details
    assert isinstance(details, ToolCallsStepDetails)
    calls = [
        c.model_copy(update={"function": c.function.model_copy(update={"output": outputs[c.id]})})
        if c.id in outputs
        else c
        for c in details.tool_calls
    ]
    return step.model_copy(update={"step_details": ToolCallsStepDetails(tool_calls=calls)})
