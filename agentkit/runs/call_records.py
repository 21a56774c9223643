"""Tool calls recorded one by one: the "started" mark before a call, its outcome after it.

A local run marks each call started (`start_call`) just before it invokes the tool, and
records the call's outcome the moment it finishes (`record_outcome`), without waiting for
its siblings. When a process takes a run over (`agentkit.runs.recovery`), `recovered_outcomes`
turns those records into outcomes, by one rule (the same for every durable backend):

=========================  ===============================================================
what is recorded           what the recovered run does with the call
=========================  ===============================================================
an outcome                 keeps it: a finished call never runs again
started, no outcome        runs it again if the tool is idempotent; otherwise the model
                           sees an ``interrupted`` error (the call may have taken effect)
nothing                    runs it (it never started)
=========================  ===============================================================
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

from agentkit.calls import ToolCall, ToolHandler
from agentkit.records import FunctionToolCall, RunStep, ToolCallError, ToolCallsStepDetails
from agentkit.runs.dispatcher import ToolOutcome
from agentkit.runs.lease import RunLost
from agentkit.runs.state import RunState
from agentkit.runs.steps import with_outcome
from agentkit.stores.base import Store
from agentkit.tools.base import Tool

__all__ = ["INTERRUPTED", "record_outcome", "recovered_outcomes", "start_call"]

_log = logging.getLogger("agentkit.run")

INTERRUPTED = "interrupted"
"""The error code of a call whose process stopped while it ran (it was not run again)."""


async def start_call(state: RunState, invoke: ToolHandler, call: ToolCall) -> str:
    """The innermost tool handler of a local run: mark the call started, then invoke it.

    Raises:
        RunLost: the store refused the mark (the run was cancelled or taken over), so the
            tool was not invoked.
    """
    run_id = state.run.id
    step_id = call.step_id or ""
    if not await state.store.mark_call_started(
        run_id, step_id, call.call_id, owner=state.terms.owner
    ):
        raise RunLost(run_id)
    return await invoke(call)


async def record_outcome(store: Store, step: RunStep, outcome: ToolOutcome) -> None:
    """Record a finished call of ``step``; a store failure is logged, not raised.

    The outcome is in the run's state too, and saved with the step when the batch ends: a
    failed write only loses it if the process also dies before then.
    """
    call = _call(step, outcome.call.call_id)
    try:
        await store.record_call_outcome(step.run_id, step.id, with_outcome(call, outcome))
    except Exception:
        _log.exception("recording the outcome of call %s failed", call.id)


async def recovered_outcomes(
    store: Store, step: RunStep, calls: Sequence[ToolCall]
) -> list[ToolOutcome]:
    """Outcomes for ``calls`` (the step's calls without output) from what was recorded.

    Calls with no outcome here are to be run. A call that was in flight and must not run
    again gets an ``interrupted`` outcome, recorded first: the first outcome recorded wins,
    so a late one from the old driver and this one cannot both stand.
    """
    records = {r.call_id: r for r in await store.call_records(step.run_id, step.id)}
    outcomes = []
    for call in calls:
        record = records.get(call.call_id)
        if record is None:
            continue
        if record.outcome is not None:
            outcomes.append(_outcome_of(call, record.outcome))
        elif record.started and not (isinstance(call.tool, Tool) and call.tool.idempotent):
            outcomes.append(await _interrupt(store, step, call))
    return outcomes


async def _interrupt(store: Store, step: RunStep, call: ToolCall) -> ToolOutcome:
    message = (
        f"The process running the call to {call.name!r} stopped before it finished. "
        "It was not run again because the tool is not declared idempotent."
    )
    output = (
        f"Error: the call to {call.name!r} was interrupted (the process running it stopped) "
        "and was not run again. It may or may not have taken effect: check before retrying."
    )
    outcome = ToolOutcome(call, output, ToolCallError(code=INTERRUPTED, message=message), 0.0)
    if await store.record_call_outcome(
        step.run_id, step.id, with_outcome(_call(step, call.call_id), outcome)
    ):
        return outcome
    # The old driver's outcome landed first: the call did finish.
    records = await store.call_records(step.run_id, step.id)
    recorded = next(r.outcome for r in records if r.call_id == call.call_id)
    assert recorded is not None
    return _outcome_of(call, recorded)


def _outcome_of(call: ToolCall, recorded: FunctionToolCall) -> ToolOutcome:
    output = recorded.function.output or ""
    return ToolOutcome(call, output, recorded.error, recorded.duration_ms or 0.0)


def _call(step: RunStep, call_id: str) -> FunctionToolCall:
    details = step.step_details
    assert isinstance(details, ToolCallsStepDetails)
    return next(c for c in details.tool_calls if c.id == call_id)
