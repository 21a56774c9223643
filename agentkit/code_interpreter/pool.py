"""`KernelPool`: sandboxed Jupyter kernels keyed by session (thread) id."""

from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
import tempfile
import time
from collections.abc import Iterable
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING

import structlog

from agentkit.code_interpreter.bubblewrap import BubblewrapSandbox
from agentkit.code_interpreter.environment import KernelEnvironment
from agentkit.code_interpreter.errors import CodeInterpreterError, PoolExhaustedError
from agentkit.code_interpreter.identity import DEFAULT_UIDS, UidLease
from agentkit.code_interpreter.kernel import new_context
from agentkit.code_interpreter.launcher import KernelLauncher
from agentkit.code_interpreter.limits import KernelLimits
from agentkit.code_interpreter.results import ExecutionResult
from agentkit.code_interpreter.sandbox import NoSandbox, SandboxBackend
from agentkit.code_interpreter.session import KernelSession
from agentkit.code_interpreter.workspace import Workspace
from agentkit.exceptions import UserError

if TYPE_CHECKING:
    import zmq.asyncio

__all__ = ["InputFile", "KernelPool"]

_log = structlog.get_logger("agentkit.code_interpreter")

InputFile = tuple[str, bytes] | Path
"""An input file: ``(name, content)``, or a host path (copied, keeping its name)."""

_MAX_SOCKET_PATH = 100  # AF_UNIX paths are limited to 107 bytes; leave room for "-5"


class KernelPool:
    """Sandboxed Jupyter kernels, one per session, started on first use.

    A session (a thread) keeps its kernel between calls, so variables persist, and has a
    private data directory the code sees as ``/mnt/data``. Sessions idle longer than
    ``idle_timeout`` are ended (kernel and files). At most ``max_kernels`` kernels run; a
    new one ends the kernel of the least recently used idle session (its files stay).

    Use as ``async with KernelPool() as pool:``, or call `aclose` when done.

    Args:
        limits: what each kernel may use.
        max_kernels: kernels running at once.
        idle_timeout: seconds after its last call that a session is ended.
        start_timeout: seconds a kernel has to answer after it is spawned.
        environment: the kernel's Python (default: `KernelEnvironment.at`'s default).
        sandbox: the isolation backend (default: `BubblewrapSandbox`).
        unsafe_no_sandbox: run kernels WITHOUT isolation (trusted code only).
        root_dir: where session directories go (default: a new temporary directory,
            removed on close). Must be reachable by other users (mode ``o+x`` up the path).
        uids: host uids handed to sessions when running as root.
    """

    def __init__(
        self,
        *,
        limits: KernelLimits | None = None,
        max_kernels: int = 8,
        idle_timeout: float = 1200.0,
        start_timeout: float = 30.0,
        environment: KernelEnvironment | Path | str | None = None,
        sandbox: SandboxBackend | None = None,
        unsafe_no_sandbox: bool = False,
        root_dir: Path | str | None = None,
        uids: range = DEFAULT_UIDS,
    ) -> None:
        if max_kernels < 1:
            raise UserError(f"KernelPool(max_kernels=...) must be at least 1, got {max_kernels}")
        if idle_timeout <= 0 or start_timeout <= 0:
            raise UserError("KernelPool idle_timeout and start_timeout must be positive")
        if sandbox is not None and unsafe_no_sandbox:
            raise UserError("KernelPool: pass sandbox=... or unsafe_no_sandbox=True, not both")
        self.limits = limits or KernelLimits()
        self.max_kernels = max_kernels
        self.idle_timeout = idle_timeout
        self._start_timeout = start_timeout
        self._environment = environment
        self._backend: SandboxBackend = (
            NoSandbox() if unsafe_no_sandbox else sandbox or BubblewrapSandbox()
        )
        self._root_option = Path(root_dir) if root_dir is not None else None
        self._uids = uids
        self._sessions: dict[str, KernelSession] = {}
        self._admission = asyncio.Lock()
        self._starting = asyncio.Lock()
        self._launcher: KernelLauncher | None = None
        self._root: Path | None = None
        self._context: zmq.asyncio.Context | None = None
        self._reaper: asyncio.Task[None] | None = None
        self._closed = False

    async def __aenter__(self) -> KernelPool:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.aclose()

    @property
    def sandbox(self) -> SandboxBackend:
        """The isolation backend in use."""
        return self._backend

    async def start(self) -> None:
        """Check the sandbox and the kernel environment (done by the first call otherwise).

        Raises:
            SandboxUnavailableError: the sandbox cannot run here (the message says why).
            KernelEnvironmentError: the kernel's Python is missing or unreadable.
        """
        async with self._starting:
            self._check_open()
            if self._launcher is not None:
                return
            await self._backend.check()
            environment = self._environment
            if not isinstance(environment, KernelEnvironment):
                environment = KernelEnvironment.at(environment)
            if os.geteuid() == 0 and not isinstance(self._backend, NoSandbox):
                environment.check_readable_by_others()
            self._root = self._make_root()
            self._context = new_context(self.limits.message_bytes)
            self._launcher = KernelLauncher(
                self._backend, environment, self.limits, self._context, self._start_timeout
            )
            self._reaper = asyncio.create_task(self._reap_idle(), name="agentkit-kernel-reaper")

    def _make_root(self) -> Path:
        if self._root_option is not None:
            _check_socket_room(self._root_option)
            self._root_option.mkdir(parents=True, exist_ok=True)
            root = self._root_option
        else:
            root = Path(tempfile.mkdtemp(prefix="agentkit-ci-"))
            try:
                _check_socket_room(root)
            except UserError:
                root.rmdir()
                raise
        root.chmod(0o711)  # sandbox users pass through to their own session directories
        return root

    async def execute(
        self, session_id: str, code: str, *, time_limit: float | None = None
    ) -> ExecutionResult:
        """Run ``code`` in the session's kernel (started if needed) and collect its output.

        ``time_limit`` overrides ``limits.timeout`` (seconds) for this call. Code that
        raises is not an error here: its traceback is in ``logs``. When the sandbox
        ends the kernel (timeout, memory, processes, crash) ``failure`` says so and the
        session's next call starts a fresh kernel.

        Raises:
            PoolExhaustedError: ``max_kernels`` are all busy.
            KernelStartError: the kernel could not be started.
        """
        seconds = self.limits.timeout if time_limit is None else time_limit
        if seconds <= 0:
            raise UserError(f"execute(time_limit=...) must be positive, got {time_limit}")
        launcher = await self._ready()
        while True:
            session = self._session(session_id)
            async with session.lock:
                if session.ended:
                    continue  # ended by the reaper while we waited; make a new one
                if session.needs_kernel:
                    await session.end_kernel()  # one that died since the last call
                    await self._admit(session)
                try:
                    return await session.execute(code, launcher, seconds)
                finally:
                    session.last_used = time.monotonic()

    async def add_files(self, session_id: str, files: Iterable[InputFile]) -> list[str]:
        """Put input files in the session's ``/mnt/data`` (creating the session).

        Returns:
            The names they got there, in order (see `sandbox_filename`).
        """
        await self._ready()
        while True:
            session = self._session(session_id)
            async with session.lock:
                if session.ended:
                    continue
                session.last_used = time.monotonic()
                return await asyncio.to_thread(_add_files, session.workspace, list(files))

    def data_dir(self, session_id: str) -> Path | None:
        """The session's ``/mnt/data`` on the host, or None if there is no such session."""
        session = self._sessions.get(session_id)
        return session.workspace.data if session is not None else None

    def __contains__(self, session_id: object) -> bool:
        return session_id in self._sessions

    @property
    def running_kernels(self) -> int:
        """Kernels running (or starting) now."""
        return sum(session.holds_kernel_slot for session in self._sessions.values())

    async def end_session(self, session_id: str) -> bool:
        """End a session now (its thread was deleted): kernel, files, uid.

        A call running in it ends with a ``crash`` failure. Returns whether it existed.
        """
        session = self._sessions.get(session_id)
        if session is None:
            return False
        await session.end_kernel()  # first, so that a running call ends now
        async with session.lock:
            await session.end()
            if self._sessions.get(session_id) is session:
                del self._sessions[session_id]
        return True

    async def aclose(self) -> None:
        """End every session and kernel, and release everything the pool holds."""
        if self._closed:
            return
        self._closed = True
        if self._reaper is not None:
            self._reaper.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._reaper
        for session_id in list(self._sessions):
            await self.end_session(session_id)
        if self._context is not None:
            self._context.term()
        if self._root is not None and self._root_option is None:
            shutil.rmtree(self._root, ignore_errors=True)

    async def _ready(self) -> KernelLauncher:
        self._check_open()
        if self._launcher is None:
            await self.start()
        assert self._launcher is not None
        return self._launcher

    def _check_open(self) -> None:
        if self._closed:
            raise CodeInterpreterError("the kernel pool is closed")

    def _session(self, session_id: str) -> KernelSession:
        session = self._sessions.get(session_id)
        if session is None:
            assert self._root is not None
            lease = UidLease.acquire(self._uids)
            try:
                workspace = Workspace.create(self._root, session_id, lease.user)
            except BaseException:
                lease.release()
                raise
            session = self._sessions[session_id] = KernelSession(session_id, workspace, lease)
        return session

    async def _admit(self, session: KernelSession) -> None:
        """Reserve a kernel slot for ``session``, ending the oldest idle kernel if full."""
        async with self._admission:
            if self.running_kernels >= self.max_kernels:
                idle = [
                    other
                    for other in self._sessions.values()
                    if other.kernel is not None and not other.lock.locked()
                ]
                if not idle:
                    raise PoolExhaustedError(
                        f"all {self.max_kernels} kernels are busy; try again when one finishes "
                        "(or raise max_kernels)"
                    )
                oldest = min(idle, key=lambda other: other.last_used)
                async with oldest.lock:
                    await oldest.end_kernel()
            session.reserved = True

    async def _reap_idle(self) -> None:
        while True:
            now = time.monotonic()
            deadline = min(
                (session.last_used + self.idle_timeout for session in self._sessions.values()),
                default=now + self.idle_timeout,
            )
            await asyncio.sleep(max(deadline - now, 0.05))
            now = time.monotonic()
            for session_id, session in list(self._sessions.items()):
                expired = now - session.last_used >= self.idle_timeout
                if expired and not session.lock.locked():
                    try:
                        await self.end_session(session_id)
                    except Exception:  # keep reaping the others; this one is retried
                        _log.exception("ending an idle code interpreter session failed")


def _check_socket_room(root: Path) -> None:
    if len(str(root)) + len("/0123456789abcdef/runtime/kernel") > _MAX_SOCKET_PATH:
        raise UserError(
            f"KernelPool(root_dir={str(root)!r}) is too long for the kernel's Unix "
            f"sockets; use a path under {_MAX_SOCKET_PATH - 40} characters"
        )


def _add_files(workspace: Workspace, files: list[InputFile]) -> list[str]:
    names = []
    for item in files:
        if isinstance(item, Path):
            names.append(workspace.add_path(item))
        else:
            name, content = item
            names.append(workspace.add_file(name, content))
    return names
