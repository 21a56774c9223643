"""`PostgresStore`'s leases and per-call records: who drives a run, and its tool calls' fate."""

from __future__ import annotations

from typing import TypeVar

from agentkit.exceptions import NotFoundError
from agentkit.records import FunctionToolCall, Run
from agentkit.stores import postgres_runs as pg_runs
from agentkit.stores.base import CallRecord, Lease, Store
from agentkit.stores.postgres_pool import PostgresPool

__all__ = ["PostgresLeases"]

T = TypeVar("T")


class PostgresLeases(Store):
    """Leases and call records, the half of `PostgresStore` that decides who drives a run."""

    _db: PostgresPool

    # -- leases ----------------------------------------------------------------------------
    async def driven_runs(self) -> list[tuple[Run, Lease | None]]:
        async with self._db.connection() as conn:
            return await pg_runs.driven_runs(conn, self.project)

    async def driven_run(self, run_id: str) -> tuple[Run, Lease | None] | None:
        async with self._db.connection() as conn:
            return await pg_runs.driven_run(conn, run_id, self.project)

    async def claim_run(self, run_id: str, lease: Lease, *, current: Lease | None) -> bool:
        async with self._db.connection() as conn:
            claimed = await pg_runs.claim_run(conn, run_id, self.project, lease, current)
        return _found(claimed, run_id)

    async def renew_lease(self, run_id: str, lease: Lease) -> bool:
        async with self._db.connection() as conn:
            return await pg_runs.renew_lease(conn, run_id, self.project, lease)

    # -- tool calls ------------------------------------------------------------------------
    async def mark_call_started(
        self, run_id: str, step_id: str, call_id: str, *, owner: str
    ) -> bool:
        async with self._db.connection() as conn:
            return await pg_runs.mark_call_started(
                conn, run_id, self.project, step_id, call_id, owner
            )

    async def record_call_outcome(self, run_id: str, step_id: str, call: FunctionToolCall) -> bool:
        async with self._db.connection() as conn:
            recorded = await pg_runs.record_call_outcome(conn, run_id, self.project, step_id, call)
        return _found(recorded, run_id)

    async def call_records(self, run_id: str, step_id: str) -> list[CallRecord]:
        async with self._db.connection() as conn:
            records = await pg_runs.call_records(conn, run_id, self.project, step_id)
        return _found(records, run_id)


def _found(value: T | None, run_id: str) -> T:
    if value is None:
        raise NotFoundError(f"No run found with id {run_id!r}.")
    return value
