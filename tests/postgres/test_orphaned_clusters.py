"""A test session killed before its finalizers leaves its cluster; the next one stops it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest

from tests.postgres.cluster import stop_orphaned_clusters, unavailable_reason

ROOT = Path(__file__).resolve().parents[2]

SESSION = """
import time
from tests.postgres.cluster import PostgresCluster

cluster = PostgresCluster()
cluster.start()
print(cluster.admin_url, cluster._dir, flush=True)
time.sleep(120)
"""


def test_the_cluster_of_a_killed_session_is_stopped_and_removed() -> None:
    if os.environ.get("AGENTKIT_TEST_PG_URL"):
        pytest.skip("an external server is used: no private cluster is started")
    if (reason := unavailable_reason()) is not None:
        pytest.skip(reason)
    with subprocess.Popen(
        [sys.executable, "-c", SESSION], stdout=subprocess.PIPE, text=True, cwd=ROOT
    ) as session:
        assert session.stdout is not None
        url, directory = session.stdout.readline().split()
        session.kill()  # as kill -9, or a SIGTERM pytest does not handle: no finalizer runs
    with psycopg.connect(url, connect_timeout=5) as conn:  # left running
        assert conn.execute("SELECT 1").fetchone() == (1,)

    stopped = stop_orphaned_clusters()

    assert Path(directory) in stopped
    assert not Path(directory).exists()
    with pytest.raises(psycopg.OperationalError):
        psycopg.connect(url, connect_timeout=5)
