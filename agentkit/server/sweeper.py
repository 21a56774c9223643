"""Runs past their ``expires_at`` become ``expired``; runs orphaned by a restart are closed.

A run paused in ``requires_action`` is driven by nobody, so its deadline is enforced here: by a
background task every ``sweep_interval`` seconds, and lazily whenever a request reads the run.
Runs that are driven enforce their own deadline in the engine.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

import structlog

from agentkit.records import LastError, Run, now
from agentkit.server.logs import log_failure
from agentkit.stores.assistants import AssistantsStore

__all__ = ["close_orphans", "expire_if_due", "sweep", "sweep_forever"]

_log = structlog.get_logger("agentkit.server")


async def expire_if_due(store: AssistantsStore, run: Run) -> Run:
    """``run``, expired first if it waits for tool outputs past its ``expires_at``."""
    if run.status != "requires_action" or run.expires_at is None or now() < run.expires_at:
        return run
    expired = run.model_copy(update={"status": "expired", "required_action": None})
    if not await store.transition_run(expired, expected={"requires_action"}):
        return await store.get_run(run.id)
    stamp = now()
    for step in await store.list_steps(run.id):
        if step.status == "in_progress":
            await store.save_step(
                step.model_copy(update={"status": "expired", "expired_at": stamp})
            )
    return expired


async def sweep(stores: Sequence[AssistantsStore]) -> int:
    """Expire every overdue paused run of these project stores; return how many."""
    count = 0
    for store in stores:
        for run in await store.active_runs():
            if (await expire_if_due(store, run)).status == "expired":
                count += 1
    return count


async def sweep_forever(stores: Sequence[AssistantsStore], interval: float) -> None:
    """`sweep` every ``interval`` seconds until cancelled; a failed sweep is logged, not fatal."""
    while True:
        await asyncio.sleep(interval)
        try:
            await sweep(stores)
        except Exception as exc:
            log_failure(_log, "expiry sweep failed", exc)


async def close_orphans(stores: Sequence[AssistantsStore]) -> int:
    """Fail the runs a previous server process was driving when it stopped; return how many.

    ``queued`` and ``in_progress`` runs cannot be continued (their model call was lost), so
    they end ``failed``; runs in ``requires_action`` wait for their outputs as before.
    """
    count = 0
    error = LastError(
        code="server_error", message="The server restarted while the run was in progress."
    )
    for store in stores:
        for run in await store.active_runs():
            if run.status not in ("queued", "in_progress", "cancelling"):
                continue
            if run.status == "cancelling":
                ended = run.model_copy(update={"status": "cancelled", "cancelled_at": now()})
            else:
                ended = run.model_copy(
                    update={"status": "failed", "failed_at": now(), "last_error": error}
                )
            if await store.transition_run(ended, expected={run.status}):
                await _end_steps(store, run.id, ended)
                count += 1
    return count


async def _end_steps(store: AssistantsStore, run_id: str, run: Run) -> None:
    stamp = now()
    for step in await store.list_steps(run_id):
        if step.status != "in_progress":
            continue
        if run.status == "cancelled":
            update: dict[str, object] = {"status": "cancelled", "cancelled_at": stamp}
        else:
            update = {"status": "failed", "failed_at": stamp, "last_error": run.last_error}
        await store.save_step(step.model_copy(update=update))
