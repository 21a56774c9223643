"""Worker threads for sync tools: one per call running at once, reused, never blocking exit.

The default executor has min(32, cores + 4) threads (six on two cores), which would queue
the seventh of eight parallel calls; a thread per call costs a thread start each time. Here
a call takes an idle worker or starts a new one, so parallel calls all run at once, and
back-to-back calls reuse threads. Workers are daemon threads (an abandoned call, e.g. one
that timed out, never holds up interpreter exit) and end after a few idle seconds.
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import functools
import queue
import threading
from collections.abc import Callable
from typing import Any

__all__ = ["IDLE_SECONDS", "run_in_thread"]

IDLE_SECONDS = 2.0
"""How long an idle worker waits for the next call before it ends."""

_Job = Callable[[], None]


class _Worker(threading.Thread):
    def __init__(self, pool: _Pool) -> None:
        super().__init__(name="agentkit-tool-worker", daemon=True)
        self.jobs: queue.SimpleQueue[_Job] = queue.SimpleQueue()
        self._pool = pool

    def run(self) -> None:
        while True:
            try:
                job = self.jobs.get(timeout=IDLE_SECONDS)
            except queue.Empty:
                if self._pool.retire(self):
                    return
                continue  # handed a job just as the wait ended: take it
            job()
            self.name = "agentkit-tool-worker"
            self._pool.release(self)


class _Pool:
    """Idle workers; a call takes one or starts one. Thread-safe, shared by every loop."""

    def __init__(self) -> None:
        self._idle: list[_Worker] = []
        self._lock = threading.Lock()

    def submit(self, job: _Job) -> None:
        with self._lock:
            worker = self._idle.pop() if self._idle else None
        if worker is None:
            worker = _Worker(self)
            worker.jobs.put(job)
            worker.start()
        else:
            worker.jobs.put(job)

    def release(self, worker: _Worker) -> None:
        with self._lock:
            self._idle.append(worker)

    def retire(self, worker: _Worker) -> bool:
        with self._lock:
            if worker in self._idle:
                self._idle.remove(worker)
                return True
            return False


_POOL = _Pool()


async def run_in_thread(call: Callable[[], Any], *, name: str) -> Any:
    """Run ``call()`` in a worker thread named ``name``, with the caller's contextvars.

    Cancelling the caller stops waiting; the call itself runs to its end (Python cannot
    interrupt a thread) and its result is dropped.
    """
    loop = asyncio.get_running_loop()
    future: asyncio.Future[Any] = loop.create_future()
    context = contextvars.copy_context()

    def settle(outcome: Callable[[], None]) -> None:
        if not future.done():  # cancelled or timed out: nobody is waiting any more
            outcome()

    def job() -> None:
        # Named after the tool while it runs, so a hung call shows up in a thread dump.
        threading.current_thread().name = name
        deliver: Callable[[], None]
        try:
            deliver = functools.partial(future.set_result, context.run(call))
        except BaseException as exc:
            deliver = functools.partial(future.set_exception, exc)
        # The loop may have closed while an abandoned call was still running.
        with contextlib.suppress(RuntimeError):
            loop.call_soon_threadsafe(settle, deliver)

    _POOL.submit(job)
    return await future
