"""The code interpreter's costs: kernel cold start, warm call overhead, a matplotlib chart.

Run: ``python bench/code_interpreter.py [--runs N]`` (as root or not; needs bubblewrap and the
kernel environment, see docs/code-interpreter.md). Prints medians; no assertions.

- cold start: from spawning the sandboxed kernel to its ``kernel_info`` reply (Kernel.start).
- warm call: ``pool.execute(session, "1+1")`` on the host, against the kernel's own time for it
  (its busy-to-idle status timestamps); the difference is what the host side adds.
- chart: a line chart in a kernel that has already imported matplotlib, and the same in a new
  kernel (import and font setup included), once.
- through the tool: `CodeInterpreter.run` for ``1+1`` and for the chart (stored as a file),
  against the pool's own time for the same call: what the tool adds (input files checked,
  outputs stored, the step's record built).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import shutil
import statistics
import tempfile
import time
from pathlib import Path

from agentkit.code_interpreter import (
    BubblewrapSandbox,
    CodeInterpreter,
    KernelEnvironment,
    KernelLimits,
    KernelPool,
)
from agentkit.code_interpreter.identity import DEFAULT_UIDS, UidLease
from agentkit.code_interpreter.kernel import new_context
from agentkit.code_interpreter.launcher import KernelLauncher
from agentkit.code_interpreter.workspace import Workspace
from agentkit.context import RunContext
from agentkit.files import Files
from agentkit.stores import MemoryStore

CHART = "plt.figure()\nplt.plot([1, 3, 2, 5, 4])\nplt.title('bench')\nplt.show()"


def ms(seconds: float) -> str:
    return f"{seconds * 1000:8.1f} ms"


def make_root() -> Path:
    root = Path(tempfile.mkdtemp(prefix="agentkit-bench-"))
    root.chmod(0o711)  # the sandbox users pass through to their session directories
    return root


async def cold_starts(runs: int) -> list[float]:
    """Spawn-to-kernel_info times of ``runs`` kernels, each in its own session."""
    sandbox = BubblewrapSandbox()
    await sandbox.check()
    environment = KernelEnvironment.at()
    context = new_context(KernelLimits().message_bytes)
    launcher = KernelLauncher(sandbox, environment, KernelLimits(), context, 30.0)
    root = make_root()
    samples = []
    try:
        for index in range(runs):
            lease = UidLease.acquire(DEFAULT_UIDS)
            workspace = Workspace.create(root, f"bench-{index}", lease.user)
            start = time.perf_counter()
            kernel = await launcher.start(workspace)
            samples.append(time.perf_counter() - start)
            await kernel.kill()
            workspace.remove()
            lease.release()
    finally:
        context.term()
        shutil.rmtree(root, ignore_errors=True)
    return samples


async def warm_calls(pool: KernelPool, runs: int) -> tuple[list[float], list[float]]:
    await pool.execute("warm", "1+1")
    host, kernel = [], []
    for _ in range(runs):
        result = await pool.execute("warm", "1+1")
        assert result.logs == "2\n" and result.kernel_seconds is not None, result
        host.append(result.duration)
        kernel.append(result.kernel_seconds)
    return host, kernel


async def charts(pool: KernelPool, runs: int) -> tuple[list[float], list[float], float]:
    first = await pool.execute("chart", "import matplotlib.pyplot as plt\n" + CHART)
    assert len(first.images) == 1, first
    host, kernel = [], []
    for _ in range(runs):
        result = await pool.execute("chart", CHART)
        assert len(result.images) == 1 and result.kernel_seconds is not None, result
        host.append(result.duration)
        kernel.append(result.kernel_seconds)
    return host, kernel, first.duration


async def through_the_tool(pool: KernelPool, code: str, runs: int) -> tuple[float, float]:
    """Median wall-clock times of the same call through the tool and straight to the pool."""
    files = Files(MemoryStore())
    tool = CodeInterpreter(files=files, pool=pool)
    ctx = RunContext(deps=None, thread_id="tool", call_id="call_bench")
    arguments = json.dumps({"code": code})
    await tool.run('{"code": "import matplotlib.pyplot as plt"}', ctx)
    with_tool, without = [], []
    for _ in range(runs):
        started = time.perf_counter()
        result = await tool.run(arguments, ctx)
        with_tool.append(time.perf_counter() - started)
        assert result.error is None, result
        started = time.perf_counter()
        await pool.execute("tool", code)  # the same session and call, without the tool
        without.append(time.perf_counter() - started)
    await files.aclose()
    return statistics.median(with_tool), statistics.median(without)


async def main(runs: int) -> None:
    cold = await cold_starts(runs)
    async with KernelPool() as pool:
        warm_host, warm_kernel = await warm_calls(pool, runs)
        chart_host, chart_kernel, first_chart = await charts(pool, runs)
        tool_warm = await through_the_tool(pool, "1+1", runs)
        tool_chart = await through_the_tool(pool, CHART, runs)
    median = statistics.median
    overhead = [host - kernel for host, kernel in zip(warm_host, warm_kernel, strict=True)]
    print(f"code interpreter, medians of {runs} runs (sandbox: bubblewrap)")
    print(f"  cold start (spawn -> kernel_info)  {ms(median(cold))}   goal <= 1500 ms")
    print(f"  warm call 1+1, host                {ms(median(warm_host))}")
    print(f"  warm call 1+1, kernel's own        {ms(median(warm_kernel))}")
    print(f"  warm call overhead (host - kernel) {ms(median(overhead))}   goal <= 20 ms")
    print(f"  chart, host                        {ms(median(chart_host))}")
    print(f"  chart, kernel's own                {ms(median(chart_kernel))}")
    print(f"  first chart in a new kernel (once) {ms(first_chart)}   (imports matplotlib)")
    for label, (tool, alone) in (("1+1", tool_warm), ("chart", tool_chart)):
        print(f"  {label + ' through CodeInterpreter':34} {ms(tool)}  (pool alone {ms(alone)})")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20)
    asyncio.run(main(parser.parse_args().runs))
