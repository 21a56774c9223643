"""Resuming a run paused in ``requires_action``: check the outputs, then rebuild its state."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from agentkit.context import RunContext
from agentkit.exceptions import InvalidRunStateError
from agentkit.records import Run, RunStep, ToolCallsStepDetails
from agentkit.runs.external import expire_if_due
from agentkit.runs.history import history_items
from agentkit.runs.lease import LeaseTerms
from agentkit.runs.matching import ToolOutputs, match_outputs
from agentkit.runs.state import RunState
from agentkit.stores.base import Store

if TYPE_CHECKING:
    from agentkit.agent import Agent

__all__ = [
    "load_state",
    "paused_run",
    "prepare_resume",
    "resume_paused",
]


async def prepare_resume(
    store: Store,
    agent: Agent[Any, Any],
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
    run = await paused_run(store, run_id, "submit_tool_outputs", "tool outputs", terms)
    assert run.required_action is not None
    pending_ids = [c.id for c in run.required_action.tool_calls]
    by_id = match_outputs(pending_ids, outputs)
    return await resume_paused(
        store, agent, run, ctx, terms, lambda _, step: _with_outputs(step, by_id)
    )


async def paused_run(store: Store, run_id: str, action: str, what: str, terms: LeaseTerms) -> Run:
    """The run, if it is paused in ``requires_action`` for ``action`` and has not expired.

    A run past its ``expires_at`` is expired first.

    Raises:
        InvalidRunStateError: it is not, naming ``what`` the caller tried to submit.
    """
    run = await store.get_run(run_id)
    if run.status != "requires_action" or run.required_action is None:
        raise InvalidRunStateError(
            f"Run {run_id} is {run.status}; {what} can only be submitted to a run in "
            "requires_action."
        )
    if run.required_action.type != action:
        raise InvalidRunStateError(
            f"Run {run_id} waits for {run.required_action.type}, not for {what}."
        )
    if run.expires_at is not None and time.time() >= run.expires_at:
        await expire_if_due(store, run, terms)
        raise InvalidRunStateError(f"Run {run_id} expired at {run.expires_at}.")
    return run


async def resume_paused(
    store: Store,
    agent: Agent[Any, Any],
    run: Run,
    ctx: RunContext[Any],
    terms: LeaseTerms,
    decide: Callable[[RunState, RunStep], RunStep],
) -> RunState:
    """Rebuild the paused run's state, apply ``decide`` to its pending step, and take it over.

    ``decide`` returns the pending step with what the caller submitted (it may also adjust
    the restored state); the step, the run's new status and its lease are saved together.

    Raises:
        InvalidRunStateError: another caller resumed or cancelled the run meanwhile.
    """
    resumed = run.model_copy(update={"status": "in_progress", "required_action": None})
    state = await load_state(store, agent, resumed, ctx, terms)
    if state.pending_step is None:  # another caller resumed it since we read it
        raise InvalidRunStateError(f"Run {run.id} was resumed or cancelled by someone else.")
    state.pending_step = decide(state, state.pending_step)
    # The last await before the loop takes over: after it, the run is driven.
    if not await store.transition_run(
        resumed,
        expected={"requires_action"},
        state=state.to_json(),
        steps=[state.pending_step],
        lease=terms.lease(),
    ):
        raise InvalidRunStateError(f"Run {run.id} was resumed or cancelled by someone else.")
    return state


async def load_state(
    store: Store, agent: Agent[Any, Any], run: Run, ctx: RunContext[Any], terms: LeaseTerms
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
