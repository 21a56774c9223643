"""Durable runs on DBOS and Postgres: runs executed as DBOS workflows by worker processes.

A `Runner` with a `DBOSExecution` records runs in a `PostgresStore` and enqueues each one on
a DBOS queue; `DBOSWorker` processes (``agentkit worker``), on any number of machines, take
them from the queue and drive them with the same loop as in-process runs. A worker that dies
is noticed by the others (`reaper`), which continue its runs from their recorded steps.
Needs the ``dbos`` extra. See ``docs/durability.md``.
"""

from agentkit.durable.execution import DBOSExecution
from agentkit.durable.settings import DBOSSettings
from agentkit.durable.worker import AgentResolver, DBOSWorker

__all__ = ["AgentResolver", "DBOSExecution", "DBOSSettings", "DBOSWorker"]
