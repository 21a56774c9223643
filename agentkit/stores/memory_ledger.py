"""The memory store's leases and tool-call records, kept beside its runs.

`RunLedger` holds the rules of the store contract (`agentkit.stores.base`) that concern who
drives a run and what its tool calls did; `MemoryStore` checks that the run exists and is
its project's, then asks the ledger.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from agentkit.records import FunctionToolCall
from agentkit.stores.base import DRIVEN_RUN_STATUSES, CallRecord, Lease

__all__ = ["RunLedger"]


@dataclass(frozen=True, slots=True)
class _Call:
    """One call's record: the started mark, and the outcome as JSON (a copy nobody mutates)."""

    started: bool = False
    outcome: str | None = None


@dataclass
class RunLedger:
    """Leases by run id, and call records by (run id, step id), then call id in order."""

    leases: dict[str, Lease] = field(default_factory=dict)
    calls: dict[tuple[str, str], dict[str, _Call]] = field(default_factory=dict)

    def allows(self, run_id: str, lease: Lease | None) -> bool:
        """Whether a write fenced by ``lease`` may change the run (unowned, or its owner's)."""
        current = self.leases.get(run_id)
        return lease is None or current is None or current.owner == lease.owner

    def settle(self, run_id: str, status: str, lease: Lease | None) -> None:
        """After a save: take ``lease`` while driven (None keeps the old one), else drop it."""
        if status not in DRIVEN_RUN_STATUSES:
            self.leases.pop(run_id, None)
        elif lease is not None:
            self.leases[run_id] = lease

    def claim(self, run_id: str, status: str, lease: Lease, current: Lease | None) -> bool:
        if status not in DRIVEN_RUN_STATUSES or self.leases.get(run_id) != current:
            return False
        self.leases[run_id] = lease
        return True

    def renew(self, run_id: str, status: str, lease: Lease) -> bool:
        current = self.leases.get(run_id)
        if status not in DRIVEN_RUN_STATUSES or current is None or current.owner != lease.owner:
            return False
        self.leases[run_id] = lease
        return True

    def mark(self, run_id: str, step_id: str, call_id: str, status: str, owner: str) -> bool:
        current = self.leases.get(run_id)
        if status != "in_progress" or current is None or current.owner != owner:
            return False
        records = self.calls.setdefault((run_id, step_id), {})
        records[call_id] = replace(records.get(call_id, _Call()), started=True)
        return True

    def record(self, run_id: str, step_id: str, call: FunctionToolCall) -> bool:
        records = self.calls.setdefault((run_id, step_id), {})
        record = records.get(call.id, _Call())
        if record.outcome is not None:
            return False
        records[call.id] = replace(record, outcome=call.model_dump_json())
        return True

    def records(self, run_id: str, step_id: str) -> list[CallRecord]:
        return [
            CallRecord(
                step_id,
                call_id,
                record.started,
                FunctionToolCall.model_validate_json(record.outcome) if record.outcome else None,
            )
            for call_id, record in self.calls.get((run_id, step_id), {}).items()
        ]

    def forget(self, run_id: str) -> None:
        """Drop everything about a deleted run."""
        self.leases.pop(run_id, None)
        for key in [key for key in self.calls if key[0] == run_id]:
            del self.calls[key]
