"""What the DBOS backend's processes must agree on: the database, the queue, the version.

The workflow name, queue name and application version are part of the deployment's
contract: DBOS recovers a workflow only in a process of the same application version, so the
version is pinned here (not DBOS's default, a hash of the source, which would orphan every
run in flight at each deploy). Bump `WORKFLOW_VERSION` only when the workflow's arguments or
its handling of recorded state change incompatibly.
"""

from __future__ import annotations

import os
import secrets
import socket
from dataclasses import dataclass, field
from typing import Any

from dbos import DBOSClient, DBOSPortableJSONSerializer

from agentkit.exceptions import UserError

__all__ = ["QUEUE_NAME", "WORKFLOW_NAME", "WORKFLOW_VERSION", "DBOSSettings"]

WORKFLOW_NAME = "agentkit.run"
QUEUE_NAME = "agentkit_runs"
WORKFLOW_VERSION = "agentkit-run-1"
APP_NAME = "agentkit"


def _executor_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(3)}"


@dataclass(frozen=True)
class DBOSSettings:
    """How to reach DBOS's tables and how this process takes part.

    Attributes:
        database_url: the Postgres database of the agentkit store; DBOS keeps its own
            tables there, in the ``dbos`` schema.
        executor_id: this process's name among the workers (default: host, pid and a
            random suffix). A worker restarted with the same id recovers its own
            workflows at once; others are adopted by the reaper.
        poll_interval: seconds between a worker's looks at the queue.
        heartbeat: seconds between a worker's heartbeats.
        dead_after: seconds without a heartbeat after which a worker counts as dead and
            its runs are continued elsewhere.
        pause_poll: seconds between a paused run's looks at the store while it waits for
            its outputs: how soon a cancel or an expiry ends its workflow (a submit wakes
            it at once).
    """

    database_url: str
    executor_id: str = field(default_factory=_executor_id)
    poll_interval: float = 0.1
    heartbeat: float = 0.5
    dead_after: float = 2.5
    pause_poll: float = 5.0

    def __post_init__(self) -> None:
        if not self.database_url.startswith(("postgresql://", "postgres://")):
            raise UserError(
                "DBOS runs need a postgresql:// database URL, got "
                f"{self.database_url.split(':', 1)[0]!r}."
            )
        if not 0 < self.heartbeat < self.dead_after:
            raise UserError("DBOSSettings: heartbeat must be positive and less than dead_after")
        if min(self.poll_interval, self.pause_poll) <= 0:
            raise UserError("DBOSSettings: poll_interval and pause_poll must be positive")

    def dbos_config(self) -> dict[str, Any]:
        """The `DBOS` configuration of a worker process."""
        return {
            "name": APP_NAME,
            "system_database_url": self.database_url,
            "application_version": WORKFLOW_VERSION,
            "executor_id": self.executor_id,
            # Run state is JSON, never pickle: it must survive upgrades and be readable.
            "serializer": DBOSPortableJSONSerializer(),
            "log_level": "WARNING",
            "notification_listener_polling_interval_sec": 0.1,
        }

    def client(self) -> DBOSClient:
        """A DBOS client over the same tables (for enqueueing, signals, events, adoption)."""
        return DBOSClient(
            system_database_url=self.database_url,
            serializer=DBOSPortableJSONSerializer(),
            application_name=APP_NAME,
            use_listen_notify=True,
        )
