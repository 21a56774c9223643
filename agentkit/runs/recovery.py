"""Taking over orphaned runs: runs in a driven status whose driver is gone.

A run is orphaned when its lease lapsed, when it has no lease (a file written before leases
existed), or when its owner was a process of this host that has died (`is_orphaned`). A
recovering process claims the run (compare-and-set on the lease it saw, so only one process
wins), rebuilds its state from its last checkpoint (`load_state`), and applies what was
recorded of the tool calls in flight (`recovered_outcomes`); the loop then continues it
exactly as if it had never stopped, from the step it was on. A model call in flight is made
again (its answer was never recorded); a finished tool call never is.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from agentkit.context import RunContext
from agentkit.exceptions import InvalidRunStateError, UserError
from agentkit.records import LastError, Run
from agentkit.runs.call_records import recovered_outcomes
from agentkit.runs.external import end_from_outside
from agentkit.runs.lease import LeaseTerms, is_orphaned
from agentkit.runs.resume import load_state
from agentkit.runs.state import RunState
from agentkit.runs.steps import apply_outcomes, pending_calls
from agentkit.stores.base import DRIVEN_RUN_STATUSES, Lease, Store

if TYPE_CHECKING:
    from agentkit.agent import Agent

__all__ = [
    "AgentResolver",
    "Orphan",
    "fail_orphan",
    "find_orphans",
    "prepare_recovery",
    "resolver_for",
]

AgentResolver = Callable[[Run], "Agent[Any] | None"]
"""Finds the agent that drives a stored run (None: not one this process knows)."""


@dataclass(frozen=True, slots=True)
class Orphan:
    """A run nobody drives any more, with the lease it was left with (None: never had one)."""

    run: Run
    lease: Lease | None


async def find_orphans(store: Store, *, driving: Collection[str] = ()) -> list[Orphan]:
    """The store's orphaned runs, oldest first, leaving out the run ids in ``driving``."""
    return [
        Orphan(run, lease)
        for run, lease in await store.driven_runs()
        if run.id not in driving and is_orphaned(lease)
    ]


async def prepare_recovery(
    store: Store, agent: Agent[Any], orphan: Orphan, ctx: RunContext[Any], terms: LeaseTerms
) -> RunState:
    """Claim the orphaned run and rebuild its state, for ``agent`` to continue it.

    Raises:
        InvalidRunStateError: another process claimed it first, or it is no longer driven.
    """
    run_id = orphan.run.id
    if not await store.claim_run(run_id, terms.lease(), current=orphan.lease):
        raise InvalidRunStateError(f"Run {run_id} was taken over or ended by someone else.")
    state = await load_state(store, agent, await store.get_run(run_id), ctx, terms)
    if state.pending_step is not None:
        ours, _ = pending_calls(state)
        apply_outcomes(state, await recovered_outcomes(store, state.pending_step, ours))
    return state


async def fail_orphan(store: Store, orphan: Orphan, terms: LeaseTerms) -> Run | None:
    """Claim a run whose agent is unknown here and end it ``failed``; None if it was taken."""
    mine = terms.lease()
    if not await store.claim_run(orphan.run.id, mine, current=orphan.lease):
        return None
    reason = (
        f"The run could not be recovered: its agent ({orphan.run.assistant_id}) is not "
        "among the agents given to Runner.recover."
    )
    error = LastError(code="server_error", message=reason)
    run = await store.get_run(orphan.run.id)
    return await end_from_outside(
        store, run, "failed", expected=DRIVEN_RUN_STATUSES, lease=mine, error=error
    )


def resolver_for(agents: Iterable[Agent[Any]] | AgentResolver) -> AgentResolver:
    """``agents`` as an `AgentResolver`: by ``assistant_id`` (`Agent.id`) for a collection.

    Raises:
        UserError: two of ``agents`` have the same id.
    """
    if callable(agents):
        return agents
    by_id: dict[str, Agent[Any]] = {}
    for agent in agents:
        if by_id.setdefault(agent.id, agent) is not agent:
            raise UserError(f"Runner.recover: two agents have the id {agent.id!r}")
    return lambda run: by_id.get(run.assistant_id)
