"""Timing and summary helpers shared by every workload (no agentkit import: peers use it)."""

from __future__ import annotations

import gc
import statistics
import time
from collections.abc import Awaitable, Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

__all__ = ["Summary", "peak_rss_kib", "rss_kib", "summarize", "time_runs"]


@dataclass(frozen=True)
class Summary:
    """Median and p95 of a list of milliseconds, with how many there were."""

    median: float
    p95: float
    n: int

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def summarize(samples: list[float]) -> Summary:
    """Median and 95th percentile (nearest rank) of ``samples``."""
    if not samples:
        return Summary(float("nan"), float("nan"), 0)
    ordered = sorted(samples)
    rank = max(0, min(len(ordered) - 1, round(0.95 * len(ordered)) - 1))
    return Summary(statistics.median(ordered), ordered[rank], len(ordered))


async def time_runs(
    run: Callable[[], Awaitable[Any]],
    *,
    runs: int,
    warmup: int,
    cpu: list[float] | None = None,
) -> list[float]:
    """Call ``run`` sequentially; the wall time of each call after the warm-up, in ms.

    With ``cpu``, the CPU time this process spent on each call (all its threads, in ms) is
    appended to it: unlike wall time, it leaves out the server and other processes.
    The collector runs between batches, not inside a timed call, unless a call allocates
    enough to trigger it (as it would in production).
    """
    for _ in range(warmup):
        await run()
    gc.collect()
    samples = []
    for _ in range(runs):
        started, started_cpu = time.perf_counter(), time.process_time()
        await run()
        samples.append((time.perf_counter() - started) * 1000)
        if cpu is not None:
            cpu.append((time.process_time() - started_cpu) * 1000)
    return samples


def _status_kib(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


def rss_kib() -> int:
    """This process's resident set size now (Linux)."""
    return _status_kib("VmRSS")


def peak_rss_kib() -> int:
    """This process's peak resident set size so far (Linux)."""
    return _status_kib("VmHWM")
