"""The pool: kernel cap and eviction, idle timeout, ending sessions, closing without leaks."""

from __future__ import annotations

import asyncio
import os
import threading
from pathlib import Path

import pytest

from agentkit.code_interpreter import (
    CodeInterpreterError,
    FailureKind,
    KernelPool,
    PoolExhaustedError,
)
from agentkit.code_interpreter.identity import count_processes

pytestmark = pytest.mark.usefixtures("kernels_available")


SLEEP_AFTER_START = (
    "open('/mnt/data/started', 'w').close()\nimport time\ntime.sleep({})\nprint('done')"
)


async def started(pool: KernelPool, session_id: str) -> None:
    """Wait until code from `SLEEP_AFTER_START` runs in the session."""
    for _ in range(3000):
        data_dir = pool.data_dir(session_id)
        if data_dir is not None and (data_dir / "started").exists():
            return
        await asyncio.sleep(0.01)
    raise AssertionError(f"the code in {session_id} did not start")


def child_processes() -> list[int]:
    children: list[int] = []
    for task in os.listdir(f"/proc/{os.getpid()}/task"):
        text = Path(f"/proc/{os.getpid()}/task/{task}/children").read_text()
        children += [int(pid) for pid in text.split()]
    return children


async def test_at_the_cap_the_least_recently_used_idle_kernel_is_ended() -> None:
    async with KernelPool(max_kernels=2) as pool:
        await pool.execute("a", "a = 1\nopen('/mnt/data/kept.txt', 'w').write('a')")
        await pool.execute("b", "b = 2")
        await pool.execute("b", "b")  # b is now more recent than a
        a_dir = pool.data_dir("a")
        assert a_dir is not None

        third = await pool.execute("c", "c = 3")
        b_again = await pool.execute("b", "print(b)")

        assert third.new_kernel and not b_again.new_kernel and b_again.logs == "2\n"
        assert pool.running_kernels == 2
        assert count_processes(a_dir.stat().st_uid) == 0  # a's kernel is gone...
        assert (a_dir / "kept.txt").read_text() == "a"  # ...and its files are not


async def test_at_the_cap_with_every_kernel_busy_a_new_session_is_refused() -> None:
    async with KernelPool(max_kernels=1) as pool:
        busy = asyncio.create_task(pool.execute("a", SLEEP_AFTER_START.format(0.5)))
        await started(pool, "a")

        with pytest.raises(PoolExhaustedError, match="all 1 kernels are busy"):
            await pool.execute("b", "1")
        assert (await busy).logs == "done\n"
        assert "b" in pool  # the session exists; only its kernel had to wait
        assert (await pool.execute("b", "print(2)")).logs == "2\n"


async def test_calls_in_one_session_run_one_after_another() -> None:
    async with KernelPool() as pool:
        first = pool.execute("a", "import time\ntime.sleep(0.3)\nvalue = 'set by the first'")
        second = pool.execute("a", "print(value)")

        results = await asyncio.gather(first, second)

    assert results[1].logs == "set by the first\n"


async def test_idle_sessions_are_ended_with_their_files() -> None:
    async with KernelPool(idle_timeout=0.3) as pool:
        await pool.execute("a", "open('/mnt/data/f.txt', 'w').write('x')")
        data_dir = pool.data_dir("a")
        assert data_dir is not None
        uid = data_dir.stat().st_uid

        for _ in range(100):
            if "a" not in pool:
                break
            await asyncio.sleep(0.05)

        assert "a" not in pool and pool.running_kernels == 0
        assert not data_dir.exists()
        assert count_processes(uid) == 0
        assert (await pool.execute("a", "import os\nprint(os.listdir('.'))")).logs == "[]\n"


async def test_ending_a_session_mid_call_ends_the_call_and_removes_everything() -> None:
    async with KernelPool() as pool:
        call = asyncio.create_task(pool.execute("a", SLEEP_AFTER_START.format(30)))
        await started(pool, "a")
        data_dir = pool.data_dir("a")
        assert data_dir is not None

        assert await pool.end_session("a")
        result = await call

        assert result.failure is not None and result.failure.kind is FailureKind.CRASH
        assert "a" not in pool and not data_dir.exists()
        assert not await pool.end_session("a")


async def test_a_cancelled_call_ends_its_kernel() -> None:
    async with KernelPool() as pool:
        await pool.execute("a", "kept = 1")
        call = asyncio.create_task(pool.execute("a", SLEEP_AFTER_START.format(30)))
        await started(pool, "a")
        data_dir = pool.data_dir("a")
        assert data_dir is not None

        call.cancel()
        with pytest.raises(asyncio.CancelledError):
            await call

        assert count_processes(data_dir.stat().st_uid) == 0  # the sleeping code is gone
        after = await pool.execute("a", "print('fresh')")
        assert after.new_kernel and after.logs == "fresh\n"


async def test_closing_leaves_no_process_task_thread_or_file_descriptor() -> None:
    # Other tests' pools may be running: compare with what was there before.
    children_before = set(child_processes())
    threads_before = set(threading.enumerate())
    fds_before = set(os.listdir("/proc/self/fd"))
    pool = KernelPool()
    await pool.execute("a", "1")
    await pool.execute("b", "import subprocess\nsubprocess.Popen(['sleep', '60'])")
    uids = [pool.data_dir(name).stat().st_uid for name in ("a", "b")]  # type: ignore[union-attr]
    root = pool.data_dir("a").parent.parent  # type: ignore[union-attr]

    await pool.aclose()

    assert set(child_processes()) <= children_before
    assert [count_processes(uid) for uid in uids] == [0, 0]
    assert not root.exists()
    assert asyncio.all_tasks() == {asyncio.current_task()}
    leftover = set(threading.enumerate()) - threads_before
    assert not [t for t in leftover if not t.name.startswith("asyncio_")], leftover
    assert set(os.listdir("/proc/self/fd")) <= fds_before
    with pytest.raises(CodeInterpreterError, match="the kernel pool is closed"):
        await pool.execute("a", "1")
