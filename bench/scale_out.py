"""Scale-out on DBOS + Postgres: W3-style throughput with 1, 2 and 4 worker processes, and the
time from a worker's death to its runs continuing elsewhere. Not a test: it prints figures.

``python bench/scale_out.py`` (root, for the private Postgres cluster; or pass ``--database``
to use a server of yours). Each measurement: a fresh database, N ``agentkit worker``
processes (``--concurrency 8``), the fake OpenAI server (``--latency-ms 50``), and one load
generator keeping 4 x 8 x N runs in flight (offered load 4x what the workers take at once)
through ``Runner(store, execution=DBOSExecution(url))``. Each run is W3's: a model call that
calls one instant tool, then a model call that answers.

Figures: runs/s; p95 run latency end to end (queueing included: with 4x offered load that
is about 4 service times) and p95 of the time a worker drove the run; CPU seconds per run of
the workers, Postgres, the load generator and the fake server. Recovery: with 2 workers under
the same load, one is killed (``kill -9``); reported are the seconds until each of its runs is
driven by the other worker, and until they have all ended.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import psycopg

sys.path.insert(0, str(Path(__file__).parent))
sys.path.insert(0, str(Path(__file__).parent.parent))

from fake_server import ServerProcess  # noqa: E402
from measure import summarize  # noqa: E402

from agentkit import Runner  # noqa: E402
from agentkit.durable import DBOSExecution  # noqa: E402
from agentkit.stores import PostgresStore  # noqa: E402
from tests.postgres.cluster import PostgresCluster  # noqa: E402

AGENT = f"{Path(__file__).with_name('scale_out_agent.py')}:agent"
CONCURRENCY = 8
OFFERED = 4


def _cpu_seconds(pids: list[int]) -> float:
    """User + system CPU of these processes (and their reaped children), in seconds."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:  # ended meanwhile: its time is in its parent's cutime now
            continue
        total += sum(int(v) for v in fields[11:15])  # utime stime cutime cstime
    return total / ticks


def _postgres_pids(cluster: PostgresCluster) -> list[int]:
    """Our cluster's postmaster and its backends (ended ones count in its cutime)."""
    postmaster = cluster.postmaster_pid()
    if postmaster is None:
        return []
    found = [postmaster]
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                parent = (entry / "stat").read_text().rsplit(")", 1)[1].split()[1]
            except OSError:
                continue
            if int(parent) == postmaster:
                found.append(int(entry.name))
    return found


class Workers:
    def __init__(self, url: str, model_url: str, count: int, log: Path) -> None:
        env = {**os.environ, "AGENTKIT_BENCH_MODEL_URL": model_url}
        self.log = log.open("ab")
        self.processes = {
            f"bench-w{i}": subprocess.Popen(
                [
                    sys.executable,
                    "-c",
                    "from agentkit.cli import main; main()",
                    "worker",
                    "--database",
                    url,
                    "--executor-id",
                    f"bench-w{i}",
                    "--concurrency",
                    str(CONCURRENCY),
                    AGENT,
                ],
                env=env,
                stdout=self.log,
                stderr=self.log,
            )
            for i in range(count)
        }

    def wait_ready(self, url: str) -> None:
        deadline = time.monotonic() + 60
        while True:
            with psycopg.connect(url) as conn:
                try:
                    n = conn.execute("SELECT count(*) FROM agentkit.workers").fetchone()
                except psycopg.errors.UndefinedTable:
                    n = (0,)
            if n is not None and n[0] >= len(self.processes):
                return
            assert time.monotonic() < deadline, "workers did not start"
            time.sleep(0.1)

    def pids(self) -> list[int]:
        return [p.pid for p in self.processes.values()]

    def kill(self, name: str) -> None:
        self.processes[name].send_signal(signal.SIGKILL)
        self.processes[name].wait()

    def stop(self) -> None:
        for process in self.processes.values():
            if process.poll() is None:
                process.send_signal(signal.SIGKILL)
                process.wait()
        self.log.close()


async def _load(url: str, runs: int, in_flight: int) -> tuple[list[float], list[str], float]:
    """Run ``runs`` runs keeping ``in_flight`` of them going; latencies, run ids, elapsed."""
    from scale_out_agent import agent

    bench_agent = agent()
    runner = Runner(PostgresStore(url, max_connections=20), execution=DBOSExecution(url))
    latencies: list[float] = []
    run_ids: list[str] = []
    queue = iter(range(runs))

    async def one_after_another() -> None:
        for i in queue:
            started = time.perf_counter()
            result = await runner.run(bench_agent, f"calls=1 #{i}")
            if result.status != "completed":
                raise RuntimeError(f"run ended {result.status}: {result.run.last_error}")
            latencies.append(time.perf_counter() - started)
            run_ids.append(result.run.id)

    started = time.perf_counter()
    await asyncio.gather(*(one_after_another() for _ in range(in_flight)))
    elapsed = time.perf_counter() - started
    await runner.aclose()
    return latencies, run_ids, elapsed


def _service_times(url: str, run_ids: list[str]) -> list[float]:
    with psycopg.connect(url) as conn:
        rows = conn.execute(
            "SELECT updated_at - started_at_epoch_ms FROM dbos.workflow_status "
            "WHERE workflow_uuid = ANY(%s) AND status = 'SUCCESS'",
            (run_ids,),
        ).fetchall()
    return [float(ms) / 1000 for (ms,) in rows]


def throughput(
    cluster: PostgresCluster, model: ServerProcess, count: int, runs: int, log: Path
) -> dict[str, Any]:
    url = cluster.new_database("scale")
    workers = Workers(url, model.url, count, log)
    try:
        workers.wait_ready(url)
        in_flight = OFFERED * CONCURRENCY * count
        asyncio.run(_load(url, 2 * in_flight, in_flight))  # warm-up: connections, caches
        cpu_before = (
            _cpu_seconds(workers.pids()),
            _cpu_seconds(_postgres_pids(cluster)),
            time.process_time(),
            _cpu_seconds([model.pid]),
        )
        latencies, run_ids, elapsed = asyncio.run(_load(url, runs * count, in_flight))
        cpu_after = (
            _cpu_seconds(workers.pids()),
            _cpu_seconds(_postgres_pids(cluster)),
            time.process_time(),
            _cpu_seconds([model.pid]),
        )
    finally:
        workers.stop()
    done = len(latencies)
    cpu = [after - before for before, after in zip(cpu_before, cpu_after, strict=True)]
    return {
        "workers": count,
        "runs": done,
        "runs_per_s": round(done / elapsed, 1),
        "p95_latency_s": round(summarize(latencies).p95, 3),
        "p95_driven_s": round(summarize(_service_times(url, run_ids)).p95, 3),
        "cpu_ms_per_run": {
            name: round(1000 * seconds / done, 1)
            for name, seconds in zip(
                ("workers", "postgres", "load", "fake_server"), cpu, strict=True
            )
        },
        "cpu_busy_cores": round(sum(cpu) / elapsed, 2),
    }


def _victims(url: str, name: str) -> list[str]:
    with psycopg.connect(url) as conn:
        return [
            row[0]
            for row in conn.execute(
                "SELECT workflow_uuid FROM dbos.workflow_status "
                "WHERE executor_id = %s AND status = 'PENDING'",
                (name,),
            ).fetchall()
        ]


def _continued(url: str, run_ids: list[str], dead: str) -> tuple[int, int]:
    """(runs driven or finished elsewhere, runs ended) among ``run_ids``."""
    with psycopg.connect(url) as conn:
        rows = conn.execute(
            "SELECT executor_id, status FROM dbos.workflow_status WHERE workflow_uuid = ANY(%s)",
            (run_ids,),
        ).fetchall()
    elsewhere = sum(1 for executor, status in rows if executor != dead and status != "ENQUEUED")
    return elsewhere, sum(1 for _, status in rows if status == "SUCCESS")


def recovery(cluster: PostgresCluster, model: ServerProcess, log: Path) -> dict[str, Any]:
    url = cluster.new_database("recovery")
    workers = Workers(url, model.url, 2, log)
    try:
        workers.wait_ready(url)
        load = subprocess.Popen([sys.executable, __file__, "--load-only", url, model.url])
        deadline = time.monotonic() + 60
        while len(victims := _victims(url, "bench-w0")) < CONCURRENCY // 2:
            assert time.monotonic() < deadline, "worker 0 never got busy"
            time.sleep(0.05)
        workers.kill("bench-w0")
        killed = time.monotonic()
        continued_after = ended_after = None
        while ended_after is None and time.monotonic() - killed < 60:
            elsewhere, ended = _continued(url, victims, "bench-w0")
            if continued_after is None and elsewhere == len(victims):
                continued_after = time.monotonic() - killed
            if ended == len(victims):
                ended_after = time.monotonic() - killed
            time.sleep(0.02)
        load.send_signal(signal.SIGKILL)
        load.wait()
    finally:
        workers.stop()
    return {
        "runs_of_the_dead_worker": len(victims),
        "continued_elsewhere_after_s": continued_after and round(continued_after, 2),
        "all_ended_after_s": ended_after and round(ended_after, 2),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=300, help="runs per worker measured")
    parser.add_argument("--workers", default="1,2,4")
    parser.add_argument("--load-only", nargs=2, metavar=("DATABASE", "MODEL_URL"))
    args = parser.parse_args()
    if args.load_only:
        os.environ["AGENTKIT_BENCH_MODEL_URL"] = args.load_only[1]
        asyncio.run(_load(args.load_only[0], 100_000, OFFERED * CONCURRENCY * 2))
        return
    log = Path("/tmp/agentkit-scale-out-workers.log")
    cluster = PostgresCluster()
    cluster.start()
    try:
        with ServerProcess(latency_ms=50) as model:
            os.environ["AGENTKIT_BENCH_MODEL_URL"] = model.url
            results = [
                throughput(cluster, model, int(n), args.runs, log) for n in args.workers.split(",")
            ]
            for result in results:
                print(json.dumps(result), flush=True)
            base = results[0]["runs_per_s"]
            for result in results[1:]:
                print(
                    f"{result['workers']} workers: {result['runs_per_s'] / base:.2f}x the runs/s "
                    f"of {results[0]['workers']}"
                )
            print(json.dumps({"recovery": recovery(cluster, model, log)}), flush=True)
    finally:
        cluster.stop()


if __name__ == "__main__":
    main()
