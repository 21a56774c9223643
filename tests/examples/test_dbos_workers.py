"""The DBOS example: a run driven by a worker, a pause resumed by another runner."""

from __future__ import annotations

from tests.postgres.cluster import PostgresCluster

from .run_example import run_example


def test_runs_are_driven_by_the_worker_and_resumed_from_another_runner(
    postgres_cluster: PostgresCluster,
) -> None:
    url = postgres_cluster.new_database("example")

    out = run_example("durable_runs/dbos_workers.py", env={"AGENTKIT_DATABASE": url})

    assert out == (
        "completed: Your order is on its way.\n"
        "  tool: order example left the warehouse today\n"
        "requires_action: waiting for approve_refund\n"
        'completed: {"approve_refund": "approved by Ada"}\n'
    )
