"""Ending a run from outside its driver: a cancel from any process, expiry of overdue runs.

Both are compare-and-set writes (the store contract, `agentkit.stores.base`): a cancel wins
over anything the driver saves later, and the driver notices (`agentkit.runs.lease`). Expiry
is lazy, with no background task: a run past its ``expires_at`` is expired when it is read
(`Runner.get_run`), when it blocks a new run on its thread, and by `Runner.recover`; a run
still driven by a live process is left to that process, whose own deadline ends it.
"""

from __future__ import annotations

import time
from collections.abc import Collection
from typing import Any, Literal

from agentkit.exceptions import InvalidRunStateError
from agentkit.records import LastError, Run, RunStep, now
from agentkit.runs.lease import LeaseTerms, is_orphaned
from agentkit.stores.base import DRIVEN_RUN_STATUSES, Lease, Store

__all__ = [
    "cancel_run",
    "end_from_outside",
    "expire_blocking_run",
    "expire_if_due",
    "expire_overdue_paused",
]

_ENDED_AT = {"cancelled": "cancelled_at", "failed": "failed_at", "expired": "expired_at"}
# A run changes status a handful of times; a cancel that loses more races than this is
# racing something that never settles.
_CANCEL_ATTEMPTS = 5


async def end_from_outside(
    store: Store,
    run: Run,
    status: Literal["cancelled", "failed", "expired"],
    *,
    expected: Collection[str],
    lease: Lease | None = None,
    error: LastError | None = None,
) -> Run | None:
    """End ``run`` (as read) if its stored status is still ``expected``; None if it changed.

    Its steps still in progress end with it: those read before the write in the same store
    operation, any a driver added meanwhile just after.
    """
    stamp = now()
    fields: dict[str, Any] = {"status": status, "required_action": None, "last_error": error}
    if status != "expired":
        fields[_ENDED_AT[status]] = stamp
        fields["expires_at"] = None
    ended = run.model_copy(update=fields)
    steps = [_end_step(step, status, stamp, error) for step in await _open_steps(store, run.id)]
    if not await store.transition_run(ended, expected=expected, steps=steps, lease=lease):
        return None
    for step in await _open_steps(store, run.id):
        await store.save_step(_end_step(step, status, stamp, error))
    return ended


async def cancel_run(store: Store, run_id: str) -> Run:
    """Cancel a run that this process does not drive; its driver, if any, stops.

    Raises:
        InvalidRunStateError: the run has already ended, or kept changing.
    """
    for _ in range(_CANCEL_ATTEMPTS):
        stored = await store.get_run(run_id)
        if stored.is_terminal:
            raise InvalidRunStateError(f"Run {run_id} has already ended ({stored.status}).")
        ended = await end_from_outside(store, stored, "cancelled", expected={stored.status})
        if ended is not None:
            return ended
    raise InvalidRunStateError(f"Run {run_id} changed while cancelling; try again.")


async def expire_if_due(store: Store, run: Run, terms: LeaseTerms) -> Run:
    """``run``, expired first if it is past ``expires_at`` and nobody drives it."""
    if run.is_terminal or run.expires_at is None or time.time() < run.expires_at:
        return run
    mine = None
    if run.status in DRIVEN_RUN_STATUSES:
        leases = {driven.id: held for driven, held in await store.driven_runs()}
        if run.id not in leases or not is_orphaned(leases[run.id]):
            return await store.get_run(run.id)  # its driver is alive: its deadline ends it
        mine = terms.lease()
        if not await store.claim_run(run.id, mine, current=leases[run.id]):
            return await store.get_run(run.id)
    ended = await end_from_outside(store, run, "expired", expected={run.status}, lease=mine)
    return ended if ended is not None else await store.get_run(run.id)


async def expire_overdue_paused(store: Store, terms: LeaseTerms) -> list[Run]:
    """Expire every paused run of the store past its ``expires_at``; return them."""
    paused = [run for run in await store.active_runs() if run.status == "requires_action"]
    ended = [await expire_if_due(store, run, terms) for run in paused]
    return [run for run in ended if run.is_terminal]


async def expire_blocking_run(store: Store, thread_id: str, terms: LeaseTerms) -> bool:
    """Expire the thread's active run if it is overdue and undriven; whether it was."""
    for run in await store.list_runs(thread_id, limit=5):
        if not run.is_terminal:
            return (await expire_if_due(store, run, terms)).is_terminal
    return False


async def _open_steps(store: Store, run_id: str) -> list[RunStep]:
    return [step for step in await store.list_steps(run_id) if step.status == "in_progress"]


def _end_step(step: RunStep, status: str, stamp: int, error: LastError | None) -> RunStep:
    update: dict[str, Any] = {"status": status, _ENDED_AT[status]: stamp}
    if status == "failed":
        update["last_error"] = error
    return step.model_copy(update=update)
