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
from typing import Any

import structlog

from agentkit.exceptions import AgentkitError, NotFoundError
from agentkit.records import Run
from agentkit.runs.external import expire_if_due as expire_run_if_due
from agentkit.runs.external import expire_overdue_paused
from agentkit.runs.lease import LeaseTerms
from agentkit.server.config import ServerConfig
from agentkit.server.executor import RunExecutor
from agentkit.server.hosted import HostedTools, assistant_file_ids
from agentkit.server.logs import log_failure
from agentkit.server.run_agent import agent_for_run
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


async def recover_orphans(executor: RunExecutor, config: ServerConfig, hosted: HostedTools) -> int:
    """Continue, in the background, every orphaned run of every project; return how many.

    Each is driven by the agent a resume would build: its function tools, the project's code
    interpreter with the assistant's files, and its images read from the project's files.
    """
    count = 0
    for project in config.projects:
        store, runner = executor.project(project)
        files = executor.files(project)
        for orphan in await runner.orphans():
            assistant = await _assistant(store, orphan.run.assistant_id)
            agent = agent_for_run(
                orphan.run,
                name=str((assistant or {}).get("name") or ""),
                config=config,
                code_interpreter=hosted.code_interpreter(
                    project, files, store, assistant_file_ids(assistant)
                ),
                image_files=files,
            )
            try:
                await executor.start(runner.iter_recover(agent, orphan), stream=False)
            except AgentkitError as exc:  # another process took it first, or it ended
                _log.info("run not recovered", run_id=orphan.run.id, reason=str(exc))
            else:
                count += 1
    return count


async def sweep_forever(executor: RunExecutor, config: ServerConfig, hosted: HostedTools) -> None:
    """`sweep` and `recover_orphans` every ``sweep_interval`` seconds until cancelled.

    A failed sweep is logged, not fatal.
    """
    stores = [executor.project(project)[0] for project in config.projects]
    while True:
        await asyncio.sleep(config.sweep_interval)
        try:
            await sweep(stores)
            if recovered := await recover_orphans(executor, config, hosted):
                _log.warning("recovered orphaned runs", count=recovered)
        except Exception as exc:
            log_failure(_log, "expiry sweep failed", exc)


async def _assistant(store: AssistantsStore, assistant_id: str) -> dict[str, Any] | None:
    # The run keeps everything it needs; the assistant may even have been deleted since.
    try:
        return await store.get_assistant(assistant_id)
    except NotFoundError:
        return None
