"""Every benchmark in one invocation, on one machine: ``scripts/bench`` runs this.

Starts the fake OpenAI server (its own process, real sockets), then times the raw openai loop
(the floor), agentkit and, when ``bench/.peers-venv`` exists, openai-agents and pydantic-ai
on W1-W4, the stores and import time. Prints tables and saves the raw numbers as JSON under
``bench/results/``.

    scripts/bench                          # everything, default sizes
    scripts/bench --quick                  # small sizes, for a smoke test
    scripts/bench --only w1,stores --runs 600 --latency-ms 5
    scripts/bench --setup-peers            # create bench/.peers-venv first (PyPI)
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from importlib.metadata import version
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))

from fake_server import ServerProcess  # noqa: E402
from measure import Summary, summarize  # noqa: E402
from report import Table, import_times  # noqa: E402

PEERS_VENV = BENCH / ".peers-venv"
PEERS_PYTHON = PEERS_VENV / "bin" / "python"
PEERS = ("openai-agents", "pydantic-ai")
ALL = ("engine", "w1", "w2", "w3", "w4", "stores", "import", "serve")


def _ms(summary: Summary) -> list[str]:
    return [f"{summary.median:.2f}", f"{summary.p95:.2f}"]


def _peer(url: str, peer: str, workload: str, runs: int, connections: int = 100) -> Any:
    if not PEERS_PYTHON.exists():
        return {"error": "not installed (run scripts/bench --setup-peers)"}
    command = [str(PEERS_PYTHON), str(BENCH / "peers.py"), "--url", url, "--peer", peer]
    command += ["--workload", workload, "--runs", str(runs), "--connections", str(connections)]
    done = subprocess.run(command, capture_output=True, text=True, timeout=1800)
    lines = done.stdout.strip().splitlines()
    if not lines:
        return {"error": f"exit {done.returncode}: {done.stderr.strip()[-300:]}"}
    return json.loads(lines[-1])


def _w1_floor(name: str) -> str:
    """The raw loop a W1 row is compared with: same streaming mode, same SDK path."""
    from workloads import raw_name

    stream = "(stream" in name
    return raw_name(stream, shortcut="plain SDK" not in name)


def run_w1(url: str, runs: int, results: dict[str, Any]) -> None:
    from workloads import raw_name, w1

    with tempfile.TemporaryDirectory() as tmp:
        own, cpu = asyncio.run(w1(url, runs=runs, sqlite_dir=Path(tmp)))
    for peer in PEERS if PEERS_PYTHON.exists() else ():
        data = _peer(url, peer, "w1", runs)
        own[f"{peer} (non-stream)"] = (
            summarize(data["samples"]) if "samples" in data else Summary(float("nan"), 0, 0)
        )
        if "error" in data:
            results.setdefault("errors", {})[f"w1 {peer}"] = data["error"]
    table = Table("W1 overhead: 1 instant tool call + answer, sequential runs (ms per run)")
    table.header(
        "contender", "median", "p95", "vs floor", "vs plain loop", "client CPU", "CPU vs floor", "n"
    )
    plain = own[raw_name(stream=False, shortcut=False)].median
    for name, summary in own.items():
        floor_name = _w1_floor(name)
        ratio = summary.median / own[floor_name].median
        used = cpu.get(name)
        cpu_cells = ["-", "-"]
        if used is not None:
            cpu_cells = [f"{used.median:.2f}", f"{used.median / cpu[floor_name].median:.3f}x"]
        vs_plain = f"{summary.median / plain:.3f}x"
        table.row(name, *_ms(summary), f"{ratio:.3f}x", vs_plain, *cpu_cells, str(summary.n))
    table.note(
        "vs floor: against the raw loop with agentkit's shortcut (JSON in, JSON out) in the same "
        "streaming mode (like for like); the plain-SDK raw rows against the plain loop"
    )
    table.note("vs plain loop: against the non-streamed plain SDK loop a user would write")
    table.note(
        "client CPU: median CPU ms this process spent per run (the server, in its own process, "
        "and other load left out); peers run in a subprocess and are not measured"
    )
    table.show()
    results["w1"] = {k: v.to_json() for k, v in own.items()}
    results["w1_cpu"] = {k: v.to_json() for k, v in cpu.items()}


def run_w2(url: str, runs: int, results: dict[str, Any]) -> None:
    from workloads import w2

    with tempfile.TemporaryDirectory() as tmp:
        own: dict[str, dict[str, Summary]] = asyncio.run(w2(url, runs=runs, sqlite_dir=Path(tmp)))
    for peer in PEERS:
        for kind in ("async", "sync"):
            data = _peer(url, peer, f"w2-{kind}", runs)
            if "error" in data:
                results.setdefault("errors", {})[f"w2 {peer}"] = data["error"]
                continue
            own[f"{peer} sleep_{kind}"] = {
                "tool phase": summarize(data["phases"]),
                "run": summarize(data["samples"]),
            }
    table = Table("W2 fan-out: 8 tool calls of 100 ms in one turn (ms)")
    table.header(
        "contender", "tool phase median", "p95", "vs 100 ms", "whole run median", "run vs raw"
    )
    for name, parts in own.items():
        phase = parts["tool phase"]
        over = (phase.median / 100 - 1) * 100
        floor = own.get(f"raw openai {name.rsplit(' ', 1)[-1]}")
        ratio = f"{parts['run'].median / floor['run'].median:.3f}x" if floor else "-"
        table.row(name, *_ms(phase), f"{over:+.1f}%", f"{parts['run'].median:.2f}", ratio)
    table.note("tool phase: first tool start to last tool end, timed inside the tools")
    table.note("run vs raw: whole-run median against the raw loop with the same tool")
    table.show()
    results["w2"] = {k: {p: s.to_json() for p, s in v.items()} for k, v in own.items()}


def _w3_own(url: str, impl: str, n: int, connections: int) -> Any:
    command = [sys.executable, str(BENCH / "w3.py"), "--url", url, "--impl", impl]
    command += ["--n", str(n), "--connections", str(connections)]
    done = subprocess.run(command, capture_output=True, text=True, timeout=1800)
    lines = done.stdout.strip().splitlines()
    return json.loads(lines[-1]) if lines else {"error": done.stderr.strip()[-300:]}


def _w3_cells(rows: dict[str, Any], name: str, n: int) -> list[str]:
    row = rows[name]
    cells = [f"{(n - row['failed']) / row['elapsed_s']:.1f}"]
    for floor in ("raw", "raw-json"):
        elapsed = rows[floor].get("elapsed_s")
        cells.append(f"{elapsed / row['elapsed_s']:.3f}" if elapsed else "-")
    kib = row["rss_peak_kib"]
    return [*cells, f"{kib / 1024:.1f}", f"{kib / n:.0f}"]


def run_w3(url: str, sizes: list[int], connections: int, results: dict[str, Any]) -> None:
    title = f"W3 concurrency: N runs at once in one event loop, non-stream, {connections} conns"
    table = Table(title)
    table.header(
        "N", "contender", "runs/s", "vs plain raw", "vs JSON raw", "peak RSS delta MiB",
        "KiB/run", "failed",
    )  # fmt: skip
    data: dict[str, Any] = {}
    for n in sizes:
        impls = ("raw", "raw-json", "agentkit", "agentkit-sqlite", "agentkit-synctool")
        rows = {impl: _w3_own(url, impl, n, connections) for impl in impls}
        rows["agentkit-default"] = _w3_own(url, "agentkit-default", n, connections)
        for peer in PEERS:
            rows[peer] = _peer(url, peer, "w3", n, connections)
        for name, row in rows.items():
            if "error" in row:
                table.row(str(n), name, "-", "-", "-", "-", "-", row["error"][:60])
                continue
            table.row(str(n), name, *_w3_cells(rows, name, n), str(row["failed"]))
        data[str(n)] = rows
    table.note(
        "vs ...: throughput ratio (1.0 = that raw loop's runs/s); raw = the plain SDK loop, "
        "raw-json = with agentkit's shortcut; agentkit-default = agent.run() (no options: "
        "plain requests, as every row here); one process per cell"
    )
    table.show()
    results["w3"] = data


def run_w4(runs: int, results: dict[str, Any]) -> None:
    done = subprocess.run(
        [sys.executable, str(BENCH / "w4.py"), "--runs", str(runs)],
        capture_output=True,
        text=True,
        timeout=1800,
    )
    lines = done.stdout.strip().splitlines()
    if not lines:
        results.setdefault("errors", {})["w4"] = done.stderr.strip()[-500:]
        print("W4: failed:", done.stderr.strip()[-500:])
        return
    data = json.loads(lines[-1])
    table = Table(
        "W4 Assistants wire: agentkit serve (TestModel) + RemoteRunner, one tool call per run"
    )
    table.header("mode", "requires_action -> continued", "p95", "-> run end", "HTTP requests/run")
    for mode in ("stream", "poll"):
        row = data[mode]
        cont, end = row["requires_action -> continued"], row["requires_action -> end"]
        table.row(
            mode, f"{cont['median']:.1f}", f"{cont['p95']:.1f}", f"{end['median']:.1f}",
            f"{row['http_requests_per_run']['median']:.0f}",
        )  # fmt: skip
    table.note(f"ms; server poll_after_ms={data['poll_after_ms']}")
    table.show()
    whole = Table("W4 whole runs against the raw SDK loops (alternating; default PollPolicy)")
    whole.header("contender", "run ms", "p95", "client CPU ms", "HTTP requests/run")
    for name, row in data["whole runs"].items():
        run_ms = row["run ms"]
        whole.row(
            name, f"{run_ms['median']:.1f}", f"{run_ms['p95']:.1f}",
            f"{row['client CPU ms']['median']:.2f}",
            f"{row['http_requests_per_run']['median']:.0f}",
        )  # fmt: skip
    whole.show()
    results["w4"] = data


def run_stores(url: str, runs: int, results: dict[str, Any]) -> None:
    from workloads import store_costs

    costs = asyncio.run(store_costs(url, runs=runs))
    table = Table("Stores: what one W1 run costs (calls per run)")
    table.header("operation", "memory", "sqlite")
    for key in sorted(set(costs["memory"]) | set(costs["sqlite"])):
        table.row(key, *(f"{costs[s].get(key, 0):.1f}" for s in ("memory", "sqlite")))
    table.show()
    results["stores"] = costs


def run_imports(results: dict[str, Any]) -> None:
    try:
        data = import_times(sys.executable, ["openai", "agentkit", "agentkit.testing"], repeat=7)
    except subprocess.CalledProcessError as exc:
        results.setdefault("errors", {})["import"] = str(exc)
        print("\nimport time: failed:", exc)
        return
    table = Table("Import time (fresh interpreter, wall ms, median of 7)")
    table.header("import", "median", "min", "vs openai")
    for name, row in data.items():
        ratio = row["median"] / data["openai"]["median"]
        table.row(f"import {name}", f"{row['median']:.0f}", f"{row['min']:.0f}", f"{ratio:.2f}x")
    table.note("baseline: python -c pass is subtracted")
    table.show()
    results["import"] = data


def run_serve(results: dict[str, Any]) -> None:
    script = BENCH / "bench_serve.py"
    if not script.exists():
        print("\nagentkit serve throughput: bench/bench_serve.py not present, skipped")
        return
    print("\n== agentkit serve: bench/bench_serve.py ==", flush=True)
    done = subprocess.run([sys.executable, str(script)], text=True, capture_output=True)
    print(done.stdout, done.stderr[-2000:] if done.returncode else "", sep="")
    results["serve"] = done.stdout


def _versions() -> dict[str, str]:
    names = ("agentkit-assistants", "openai", "httpx2", "pydantic", "uvicorn")
    info = {name: version(name) for name in names}
    info["python"] = platform.python_version()
    info["machine"] = f"{platform.machine()}, {os.cpu_count()} cpus, {platform.platform()}"
    info["load average at start"] = " ".join(f"{x:.2f}" for x in os.getloadavg())
    if PEERS_PYTHON.exists():
        code = "from importlib.metadata import version as v;"
        code += "print(v('openai-agents'), v('pydantic-ai-slim'), v('openai'))"
        out = subprocess.run([str(PEERS_PYTHON), "-c", code], capture_output=True, text=True)
        info["peers (openai-agents, pydantic-ai-slim, openai)"] = out.stdout.strip()
    return info


def setup_peers() -> None:
    subprocess.run([sys.executable, "-m", "venv", str(PEERS_VENV)], check=True)
    packages = ["openai-agents", "pydantic-ai-slim[openai]", "uvicorn"]
    subprocess.run([str(PEERS_VENV / "bin" / "pip"), "install", "-q", *packages], check=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=300, help="W1 runs per contender")
    parser.add_argument("--w2-runs", type=int, default=20)
    parser.add_argument("--w3-sizes", default="200,2000")
    parser.add_argument("--connections", type=int, default=100)
    parser.add_argument("--w4-runs", type=int, default=30)
    parser.add_argument("--latency-ms", type=float, default=0.0)
    parser.add_argument("--only", default=",".join(ALL), help=f"comma list of {ALL}")
    parser.add_argument("--quick", action="store_true", help="small sizes, a smoke test")
    parser.add_argument("--setup-peers", action="store_true")
    args = parser.parse_args()
    if args.setup_peers:
        setup_peers()
    if args.quick:
        args.runs, args.w2_runs, args.w3_sizes, args.w4_runs = 30, 3, "100", 3
    only = set(args.only.split(","))
    results: dict[str, Any] = {"versions": _versions(), "args": vars(args)}
    print(json.dumps(results["versions"], indent=2))
    started = time.perf_counter()
    if "engine" in only:
        from engine_overhead import main as engine_overhead

        asyncio.run(engine_overhead())
    with ServerProcess(args.latency_ms) as server:
        print(f"fake server: {server.url}, latency {args.latency_ms} ms", flush=True)
        if "w1" in only:
            run_w1(server.url, args.runs, results)
        if "w2" in only:
            run_w2(server.url, args.w2_runs, results)
        if "w3" in only:
            sizes = [int(s) for s in args.w3_sizes.split(",")]
            run_w3(server.url, sizes, args.connections, results)
        if "stores" in only:
            run_stores(server.url, 50, results)
    if "w4" in only:
        run_w4(args.w4_runs, results)
    if "import" in only:
        run_imports(results)
    if "serve" in only:
        run_serve(results)
    out = BENCH / "results" / time.strftime("%Y%m%d-%H%M%S.json")
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(results, indent=2, default=str))
    elapsed = time.perf_counter() - started
    print(f"\n{elapsed:.0f} s; raw numbers in {out.relative_to(BENCH.parent)}")


if __name__ == "__main__":
    main()
