"""What one scale-out run costs Postgres: its statements and commits, by statement.

One ``agentkit worker`` (concurrency 8) drives ``--runs`` W3 runs (as `bench/scale_out.py`:
a model call that calls one instant tool, then one that answers; fake server at 50 ms) on a
private cluster that preloads ``pg_stat_statements``. Printed: commits and statements per
run, then the statements most often run, per run, with their mean time in the server.

    python bench/pg_statements.py              # as root: it starts a private cluster
    python bench/pg_statements.py --runs 300 --rows 40
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
from pathlib import Path

import psycopg

sys.path.insert(0, str(Path(__file__).parent))
sys.path.insert(0, str(Path(__file__).parent.parent))

from fake_server import ServerProcess  # noqa: E402
from scale_out import CONCURRENCY, OFFERED, Workers, _load  # noqa: E402

from tests.postgres.cluster import PostgresCluster  # noqa: E402

_COMMITS = "SELECT xact_commit FROM pg_stat_database WHERE datname = current_database()"
_TOP = """SELECT calls, total_exec_time, left(regexp_replace(query, '\\s+', ' ', 'g'), 140)
    FROM pg_stat_statements
    WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database())
    ORDER BY calls DESC"""


def _commits(url: str) -> int:
    with psycopg.connect(url, autocommit=True) as conn:
        row = conn.execute(_COMMITS).fetchone()
    assert row is not None
    return int(row[0])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--rows", type=int, default=30)
    args = parser.parse_args()
    cluster = PostgresCluster({"shared_preload_libraries": "pg_stat_statements"})
    cluster.start()
    try:
        with ServerProcess(latency_ms=50) as model:
            os.environ["AGENTKIT_BENCH_MODEL_URL"] = model.url
            url = cluster.new_database("statements")
            with psycopg.connect(url, autocommit=True) as conn:
                conn.execute("CREATE EXTENSION pg_stat_statements")
            workers = Workers(url, model.url, 1, Path("/tmp/agentkit-pg-statements.log"))
            try:
                workers.wait_ready(url)
                in_flight = OFFERED * CONCURRENCY
                asyncio.run(_load(url, 2 * in_flight, in_flight))  # warm-up
                with psycopg.connect(url, autocommit=True) as conn:
                    conn.execute("SELECT pg_stat_statements_reset()")
                before = _commits(url)
                latencies, _ids, elapsed = asyncio.run(_load(url, args.runs, in_flight))
                commits = _commits(url) - before
                with psycopg.connect(url, autocommit=True) as conn:
                    rows = conn.execute(_TOP).fetchall()
            finally:
                workers.stop()
    finally:
        cluster.stop()
    runs = len(latencies)
    print(f"{runs} runs in {elapsed:.1f} s ({runs / elapsed:.1f} runs/s, 1 worker)")
    print(f"per run: {commits / runs:.1f} commits, {sum(r[0] for r in rows) / runs:.1f} statements")
    print("\n| per run | mean ms | statement |\n|---|---|---|")
    for calls, total_ms, query in rows[: args.rows]:
        print(f"| {calls / runs:.2f} | {total_ms / calls:.3f} | `{query}` |")


if __name__ == "__main__":
    main()
