"""One session (one thread): its directories, its sandbox user, and its kernel while it runs."""

from __future__ import annotations

import asyncio
import time

from agentkit.code_interpreter.failures import classify
from agentkit.code_interpreter.identity import UidLease, count_processes
from agentkit.code_interpreter.kernel import Kernel, RunEnd
from agentkit.code_interpreter.launcher import KernelLauncher
from agentkit.code_interpreter.output import OutputCollector
from agentkit.code_interpreter.results import ExecutionResult, Image
from agentkit.code_interpreter.workspace import Workspace

__all__ = ["KernelSession"]


class KernelSession:
    """A session's state. The pool serializes work on it with `lock`.

    Attributes:
        session_id: the caller's key (a thread id).
        workspace: the session's directories.
        kernel: the running kernel, or None (not started yet, or ended by a failure).
        lock: held while the session executes code or is being ended.
        last_used: ``time.monotonic()`` of the last call that touched the session.
        ended: the session was ended; a new call makes a new session.
    """

    def __init__(self, session_id: str, workspace: Workspace, lease: UidLease) -> None:
        self.session_id = session_id
        self.workspace = workspace
        self.kernel: Kernel | None = None
        self.lock = asyncio.Lock()
        self.last_used = time.monotonic()
        self.ended = False
        self.reserved = False
        self._lease = lease

    @property
    def holds_kernel_slot(self) -> bool:
        """It has a kernel, or the pool has admitted it to start one."""
        return self.kernel is not None or self.reserved

    @property
    def needs_kernel(self) -> bool:
        """The next execution has to start a kernel."""
        return self.kernel is None or not self.kernel.alive

    async def execute(self, code: str, launcher: KernelLauncher, seconds: float) -> ExecutionResult:
        """Run ``code`` (caller holds `lock`), starting a kernel first if there is none."""
        started = time.perf_counter()
        new_kernel = self.needs_kernel
        kernel = await self._kernel(launcher)
        limits = launcher.limits
        collector = OutputCollector(output_chars=limits.output_chars, max_images=limits.max_images)
        end = await self._run(kernel, code, seconds, collector)
        failure = classify(
            end,
            collector,
            exit_status=kernel.process.returncode,
            processes=self._processes_after(collector),
            limits=limits,
            timeout=seconds,
        )
        if failure is not None:
            await self._drop(kernel)
        collector.finish_notes()
        images, files = await asyncio.to_thread(
            self.workspace.changes,
            limit=limits.max_files,
            max_images=max(limits.max_images - len(collector.images), 0),
            image_bytes=limits.file_size_bytes,
        )
        self.last_used = time.monotonic()
        return ExecutionResult(
            logs=collector.logs.text(),
            images=(*(Image(png=png) for png in collector.images), *images),
            files=files,
            error_name=collector.error_name,
            failure=failure,
            new_kernel=new_kernel,
            duration=time.perf_counter() - started,
            kernel_seconds=collector.kernel_seconds,
        )

    async def _kernel(self, launcher: KernelLauncher) -> Kernel:
        if self.kernel is not None and self.kernel.alive:
            return self.kernel
        await self.end_kernel()
        try:
            self.kernel = await launcher.start(self.workspace)
        finally:
            self.reserved = False
        return self.kernel

    async def _run(
        self, kernel: Kernel, code: str, seconds: float, collector: OutputCollector
    ) -> RunEnd:
        try:
            return await kernel.execute(code, seconds, collector)
        except BaseException:
            await self._drop(kernel)  # cancelled: the code would run on with nobody waiting
            raise

    def _processes_after(self, collector: OutputCollector) -> int:
        # Only worth a look through /proc when the code raised, and only per-session uids.
        user = self.workspace.user
        if user.shared or collector.error_name is None:
            return 0
        return count_processes(user.uid)

    async def _drop(self, kernel: Kernel) -> None:
        if self.kernel is kernel:
            self.kernel = None
        await kernel.kill()  # harmless if end_kernel() already killed it while it ran

    async def end_kernel(self) -> None:
        """End the kernel, if any; the session and its files stay."""
        kernel, self.kernel = self.kernel, None
        if kernel is not None:
            await kernel.kill()

    async def end(self) -> None:
        """End the kernel, delete the files, give back the uid (idempotent)."""
        if self.ended:
            return
        await self.end_kernel()
        await asyncio.to_thread(self.workspace.remove)
        self._lease.release()
        self.ended = True
