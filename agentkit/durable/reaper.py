"""Heartbeats of the workers, and the reaper that continues a dead worker's runs elsewhere.

DBOS recovers a process's unfinished workflows only when a process with the same executor id
starts again. So that a worker's runs do not wait for it to come back, every worker writes
a heartbeat to ``agentkit.workers`` every `DBOSSettings.heartbeat` seconds, and every worker
reaps: a worker silent for `DBOSSettings.dead_after` seconds is claimed by exactly one reaper
(a compare-and-set on its row), which puts that worker's pending workflows back on the queue
(DBOS's ``resume_workflow``), where any worker takes them. Its row goes once that is done; a
reaper that dies halfway leaves the row to go silent again, and another one finishes.
"""

from __future__ import annotations

import asyncio
import logging
import time
from typing import Any

import psycopg
from dbos import DBOSClient

from agentkit.durable.settings import QUEUE_NAME, WORKFLOW_NAME, WORKFLOW_VERSION, DBOSSettings

__all__ = ["Reaper"]

_log = logging.getLogger("agentkit.durable")

_BEAT = """INSERT INTO agentkit.workers (executor_id, heartbeat_at) VALUES (%s, %s)
    ON CONFLICT (executor_id) DO UPDATE SET heartbeat_at = excluded.heartbeat_at"""
# Claiming a dead worker makes it look alive (to other reapers) while it is reaped.
_CLAIM_DEAD = """UPDATE agentkit.workers SET heartbeat_at = %s
    WHERE executor_id = (SELECT executor_id FROM agentkit.workers
        WHERE heartbeat_at < %s AND executor_id <> %s
        ORDER BY heartbeat_at LIMIT 1 FOR UPDATE SKIP LOCKED)
    RETURNING executor_id"""
_FORGET = "DELETE FROM agentkit.workers WHERE executor_id = %s"


class Reaper:
    """One worker's heartbeat and reaping, in one task; ``start`` it, ``stop`` it."""

    def __init__(self, settings: DBOSSettings, client: DBOSClient) -> None:
        self.settings = settings
        self._client = client
        self._conn: psycopg.AsyncConnection[Any] | None = None
        self._task: asyncio.Task[None] | None = None
        self.adopted: list[str] = []

    async def start(self) -> None:
        """Write the first heartbeat (before taking work) and start beating."""
        self._conn = await psycopg.AsyncConnection.connect(
            self.settings.database_url, autocommit=True
        )
        await self._beat()
        self._task = asyncio.create_task(self._run(), name="agentkit-reaper")

    async def stop(self) -> None:
        """Stop beating; the row stays, so that runs left pending here are adopted."""
        if self._task is not None:
            self._task.cancel()
            await asyncio.wait({self._task})
        if self._conn is not None:
            await self._conn.close()

    async def _run(self) -> None:
        while True:
            await asyncio.sleep(self.settings.heartbeat)
            try:
                await self._beat()
                while (dead := await self._claim_dead()) is not None:
                    await self._adopt(dead)
            except Exception:
                _log.exception("worker heartbeat or reaping failed; trying again")

    async def _beat(self) -> None:
        assert self._conn is not None
        await self._conn.execute(_BEAT, (self.settings.executor_id, time.time()))

    async def _claim_dead(self) -> str | None:
        assert self._conn is not None
        now = time.time()
        params = (now, now - self.settings.dead_after, self.settings.executor_id)
        row = await (await self._conn.execute(_CLAIM_DEAD, params)).fetchone()
        return None if row is None else str(row[0])

    async def _adopt(self, executor_id: str) -> None:
        """Put the dead worker's unfinished runs back on the queue, then forget it."""
        pending = await self._client.list_workflows_async(
            status="PENDING",
            executor_id=executor_id,
            name=WORKFLOW_NAME,
            app_version=WORKFLOW_VERSION,
            load_input=False,
            load_output=False,
        )
        for workflow in pending:
            await self._client.resume_workflow_async(workflow.workflow_id, queue_name=QUEUE_NAME)
            self.adopted.append(workflow.workflow_id)
        if pending:
            _log.warning(
                "worker %s stopped beating; %d of its runs continue elsewhere",
                executor_id,
                len(pending),
            )
        assert self._conn is not None
        await self._conn.execute(_FORGET, (executor_id,))
