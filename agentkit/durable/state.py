"""A worker's view of a recorded run: its `RunState`, rebuilt from the store.

Whatever process recorded the run (the runner that created it, the one that submitted tool
outputs, the worker that drove it before it died), the store holds all the loop needs:
the run, its saved engine state, its steps and the thread's messages.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from agentkit.context import RunContext
from agentkit.records import LastError, Run, ToolCallsStepDetails, now
from agentkit.runs.history import history_items
from agentkit.runs.state import RunState
from agentkit.stores.base import Store

if TYPE_CHECKING:
    from agentkit.agent import Agent

__all__ = ["expire_paused_run", "fail_run", "load_state"]


async def load_state(store: Store, agent: Agent[Any], run: Run, *, deps: Any) -> RunState:
    """The state to drive ``run`` from: as saved, with its pending step and history."""
    ctx = RunContext(deps=deps, run_id=run.id, thread_id=run.thread_id, agent_name=agent.name)
    state = RunState(run=run, agent=agent, store=store, ctx=ctx)
    data = await store.get_run_state(run.id)
    state.load_json(data)
    steps = await store.list_steps(run.id)
    pending_id = data.get("pending_step_id")
    state.pending_step = next((step for step in steps if step.id == pending_id), None)
    state.tool_history = [
        call
        for step in steps
        if step.status == "completed" and isinstance(step.step_details, ToolCallsStepDetails)
        for call in step.step_details.tool_calls
    ]
    earlier = [m for m in await store.list_messages(run.thread_id) if m.run_id != run.id]
    state.history = history_items(
        earlier, agent.truncation, max_prompt_tokens=run.max_prompt_tokens
    )
    return state


async def expire_paused_run(store: Store, run: Run) -> None:
    """End a run paused past its ``expires_at`` (and its open steps) ``expired``."""
    expired = run.model_copy(update={"status": "expired", "required_action": None})
    stamp = now()
    steps = [
        step.model_copy(update={"status": "expired", "expired_at": stamp})
        for step in await store.list_steps(run.id)
        if step.status == "in_progress"
    ]
    await store.transition_run(expired, expected={"requires_action"}, steps=steps)


async def fail_run(store: Store, run: Run, message: str) -> Run | None:
    """End a run that cannot be driven ``failed``, with ``message`` as its ``last_error``.

    Returns the failed run, or None when the run changed meanwhile (and was left as it is).
    """
    error = LastError(code="server_error", message=message)
    failed = run.model_copy(
        update={
            "status": "failed",
            "failed_at": now(),
            "last_error": error,
            "required_action": None,
        }
    )
    return failed if await store.transition_run(failed, expected={run.status}) else None
