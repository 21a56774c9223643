"""Runs past their ``expires_at`` become ``expired``; runs orphaned by a crash are recovered.

A run paused in ``requires_action`` is driven by nobody, so its deadline is enforced here: by a
background task every ``sweep_interval`` seconds, and lazily whenever a request reads the run.
Runs that are driven enforce their own deadline in the engine.

Runs a process was driving when it died (this server before a restart, or another server on
the same file) are orphaned once their lease lapses, at once when the dead process ran on
this host. `recover_orphans` continues them, at start-up and at every sweep: the agent of each
is rebuilt from the run's own fields (`agent_for_run`), as for a resume, and the engine takes
the run up from its last recorded step (see `agentkit.runs.recovery`).
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

import structlog

from agentkit.exceptions import AgentkitError
from agentkit.records import Run
from agentkit.runs.external import expire_if_due as expire_run_if_due
from agentkit.runs.external import expire_overdue_paused
from agentkit.runs.lease import LeaseTerms
from agentkit.runs.recovery import fail_orphan
from agentkit.server.config import ServerConfig
from agentkit.server.errors import APIError
from agentkit.server.executor import RunExecutor
from agentkit.server.logs import log_failure
from agentkit.server.stored_agent import Served, agent_of_stored_run
from agentkit.stores.assistants import AssistantsStore

__all__ = ["expire_if_due", "recover_orphans", "sweep", "sweep_forever"]

_log = structlog.get_logger("agentkit.server")


async def expire_if_due(store: AssistantsStore, run: Run) -> Run:
    """``run``, expired first if it is past its ``expires_at`` and nobody drives it."""
    if run.expires_at is None or run.is_terminal:
        return run
    return await expire_run_if_due(store, run, LeaseTerms())


async def sweep(stores: Sequence[AssistantsStore]) -> int:
    """Expire every overdue paused run of these project stores; return how many."""
    terms = LeaseTerms()
    return sum([len(await expire_overdue_paused(store, terms)) for store in stores])


async def recover_orphans(executor: RunExecutor, config: ServerConfig, served: Served) -> int:
    """Continue, in the background, every orphaned run of every project; return how many."""
    count = 0
    for project in config.projects:
        store, runner = executor.project(project)
        for orphan in await runner.orphans():
            try:
                agent = await agent_of_stored_run(
                    orphan.run, store, executor.files(project), served=served, config=config
                )
            except APIError as exc:  # a handoff names an assistant deleted since
                reason = f"The run could not be recovered: {exc.message}"
                await fail_orphan(store, orphan, runner.terms, reason)
                continue
            try:
                await executor.start(runner.iter_recover(agent, orphan), stream=False)
            except AgentkitError as exc:  # another process took it first, or it ended
                _log.info("run not recovered", run_id=orphan.run.id, reason=str(exc))
            else:
                count += 1
    return count


async def sweep_forever(
    executor: RunExecutor, config: ServerConfig, served: Served, *, recover: bool = True
) -> None:
    """`sweep` and (with ``recover``) `recover_orphans` every ``sweep_interval`` seconds.

    Runs until cancelled; a failed sweep is logged, not fatal. (Runs that DBOS workers
    execute are recovered by the workers, not here.)
    """
    stores = [executor.project(project)[0] for project in config.projects]
    while True:
        await asyncio.sleep(config.sweep_interval)
        try:
            await sweep(stores)
            if recover and (recovered := await recover_orphans(executor, config, served)):
                _log.warning("recovered orphaned runs", count=recovered)
        except Exception as exc:
            log_failure(_log, "expiry sweep failed", exc)
