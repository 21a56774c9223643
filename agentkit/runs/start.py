"""Starting a run: stored with its input messages (and its new thread) in one write.

`start_run` returns the state the run loop then drives.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from agentkit.context import RunContext
from agentkit.exceptions import ActiveRunError, NotFoundError
from agentkit.records import Message, Run, Thread, UserInput, now
from agentkit.runs.external import expire_blocking_run
from agentkit.runs.history_cache import HistoryCache
from agentkit.runs.lease import LeaseTerms
from agentkit.runs.new_run import new_run
from agentkit.runs.state import DispatchMode, RunState
from agentkit.stores.base import Store

if TYPE_CHECKING:
    from agentkit.agent import Agent

__all__ = ["RunRequest", "start_run"]


@dataclass(frozen=True, slots=True)
class RunRequest:
    """What a caller asked a run for (the arguments of `agentkit.Runner.iter_run`)."""

    agent: Agent[Any, Any]
    input: UserInput | None
    thread: Thread | str | None = None
    deps: Any = None
    dispatch: DispatchMode = "auto"
    additional_instructions: str | None = None
    metadata: Mapping[str, str] | None = None
    run_fields: Mapping[str, Any] | None = None
    additional_messages: Sequence[Message] = ()


async def start_run(
    store: Store, terms: LeaseTerms, histories: HistoryCache, request: RunRequest
) -> RunState:
    """Store the new run (queued, leased to ``terms``' owner) and return its state."""
    agent = request.agent
    # Checked before anything is stored: a bad input leaves no thread behind.
    said = None if request.input is None else Message.of_input("", request.input)
    # A new thread is stored with the run, in one write (`Store.create_thread_and_run`).
    new_thread = None
    if request.thread is None:
        new_thread = Thread()
        thread_id = new_thread.id
    else:
        thread = request.thread
        thread_id = thread if isinstance(thread, str) else thread.id
    messages = list(request.additional_messages)
    if said is not None:
        messages.append(said.model_copy(update={"thread_id": thread_id}))
    run = new_run(agent, thread_id, request.additional_instructions, request.metadata)
    if request.run_fields:
        run = Run.model_validate({**run.model_dump(), **request.run_fields})
    ctx = RunContext(deps=request.deps, run_id=run.id, thread_id=thread_id, agent_name=agent.name)
    state = RunState(run=run, agent=agent, store=store, ctx=ctx, mode=request.dispatch)
    state.terms = terms
    state.history = await histories.history(
        store,
        thread_id,
        messages,
        agent.truncation,
        run.max_prompt_tokens,
        new_thread=new_thread is not None,
    )
    # Creating the run (with its input messages, atomically) is the last await before the
    # loop takes over, so a run is never left queued with nobody to drive it.
    try:
        await _create(state, messages, new_thread)
    except asyncio.CancelledError:
        await asyncio.shield(_cancel_if_created(store, run))
        raise
    return state


async def _create(state: RunState, messages: Sequence[Message], new_thread: Thread | None) -> None:
    """Store the run with its lease; an overdue run blocking the thread is expired first."""
    store, run, terms = state.store, state.run, state.terms
    if new_thread is not None:
        await store.create_thread_and_run(
            new_thread, run, state.to_json(), messages, lease=terms.lease()
        )
        return
    try:
        await store.create_run(run, state.to_json(), messages, lease=terms.lease())
    except ActiveRunError:
        if not await expire_blocking_run(store, run.thread_id, terms):
            raise
        await store.create_run(run, state.to_json(), messages, lease=terms.lease())


async def _cancel_if_created(store: Store, run: Run) -> None:
    # The caller was cancelled while the run was being created: the write may have landed.
    with contextlib.suppress(NotFoundError):
        cancelled = run.model_copy(update={"status": "cancelled", "cancelled_at": now()})
        await store.transition_run(cancelled, expected={"queued"})
