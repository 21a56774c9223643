"""One kernel: its sandboxed process and the Jupyter client that talks to it over ``ipc://``."""

from __future__ import annotations

import asyncio
import enum
import json
import os
import secrets
import stat
from pathlib import Path
from queue import Empty
from typing import Any

try:
    import zmq
    import zmq.asyncio
    from jupyter_client.asynchronous.client import AsyncKernelClient
except ImportError as error:  # pragma: no cover - the extra is part of `dev`
    raise ImportError(
        f"agentkit.code_interpreter needs the 'code-interpreter' extra ({error.name} is "
        "missing): pip install 'agentkit[code-interpreter]'"
    ) from error

from agentkit.code_interpreter.errors import KernelStartError
from agentkit.code_interpreter.identity import wait_until_gone
from agentkit.code_interpreter.output import OutputCollector
from agentkit.code_interpreter.sandbox import KernelPaths, LaunchSpec, SandboxBackend

__all__ = ["Kernel", "RunEnd", "new_context"]

CONNECTION_FILE = "connection.json"
_SLICE = 0.2
"""How often a waiting execution looks at the process and the shell channel."""
_GRACE = 1.0
"""How long to wait for a reply or the idle status that should follow the other at once."""
_PORTS = {"shell_port": 1, "iopub_port": 2, "stdin_port": 3, "control_port": 4, "hb_port": 5}
_CONNECTED = ("shell_port", "iopub_port")


def new_context(message_bytes: int) -> zmq.asyncio.Context:
    """The ZMQ context a pool's kernel clients share (close it with ``term()``)."""
    context = zmq.asyncio.Context()
    context.setsockopt(zmq.RECONNECT_IVL, 10)  # the kernel listens a moment after it binds
    context.setsockopt(zmq.MAXMSGSIZE, message_bytes)  # bigger messages are dropped unread
    context.setsockopt(zmq.LINGER, 0)
    return context


class RunEnd(enum.Enum):
    """How waiting for an execution ended."""

    DONE = "done"
    TIMEOUT = "timeout"
    DIED = "died"
    LOST = "lost"
    """A message over the size limit was dropped, and the socket with it (no reconnects)."""


class Kernel:
    """A running kernel. Start with `Kernel.start`; end with `kill` (always, even if dead)."""

    def __init__(
        self,
        process: asyncio.subprocess.Process,
        client: AsyncKernelClient,
        spec: LaunchSpec,
        backend: SandboxBackend,
    ) -> None:
        self.process = process
        self._client = client
        self._spec = spec
        self._backend = backend
        self._connected = False
        self._executing = False
        self._killed = False

    @property
    def alive(self) -> bool:
        """The kernel process has not exited."""
        return self.process.returncode is None

    @classmethod
    async def start(
        cls,
        backend: SandboxBackend,
        spec: LaunchSpec,
        paths: KernelPaths,
        context: zmq.asyncio.Context,
        start_timeout: float,
        log_path: Path,
        socket_dir: Path,
    ) -> Kernel:
        """Spawn the kernel through ``backend`` and wait for its ``kernel_info`` reply.

        The host connects through links in ``socket_dir`` (empty, and unseen by the kernel).

        Raises:
            KernelStartError: it exited, or did not answer within ``start_timeout`` seconds;
                the message carries the end of its own output (bubblewrap's complaints land
                there).
        """
        info = _write_connection_file(spec, paths)
        log = os.open(log_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_CLOEXEC, 0o600)
        try:
            process = await asyncio.create_subprocess_exec(
                *backend.command(spec),
                stdin=asyncio.subprocess.DEVNULL,
                stdout=log,
                stderr=log,
                env=dict(spec.env),
                cwd=spec.data_dir,
                start_new_session=True,
            )
        finally:
            os.close(log)
        client = AsyncKernelClient(context=context)
        host_side: Any = {**info, "ip": str(socket_dir / "kernel")}
        client.load_connection_info(host_side)
        kernel = cls(process, client, spec, backend)
        try:
            async with asyncio.timeout(start_timeout):
                await kernel._connect(socket_dir)
                await kernel._handshake()
        except (TimeoutError, KernelStartError) as error:
            await kernel.kill()
            reason = str(error) or f"no kernel_info reply within {start_timeout:g} s"
            raise KernelStartError(f"the kernel did not start: {reason}{_tail(log_path)}") from None
        except BaseException:
            await kernel.kill()  # cancelled: leave nothing running
            raise
        return kernel

    async def _connect(self, socket_dir: Path) -> None:
        # The kernel may replace its socket files with symlinks to other Unix sockets on the
        # host, which the host's (re)connects would follow. So, as soon as the sockets exist
        # and before any code runs, hard-link them into a directory only the host can see,
        # and connect there.
        names = [f"kernel-{_PORTS[name]}" for name in _CONNECTED]
        sockets = [self._spec.runtime_dir / name for name in names]
        while not all(_is_socket(path) for path in sockets):
            if not self.alive:
                raise KernelStartError(f"its process exited with status {self.process.returncode}")
            await asyncio.sleep(0.005)
        for name, path in zip(names, sockets, strict=True):
            os.link(path, socket_dir / name, follow_symlinks=False)
        self._client.start_channels(shell=True, iopub=True, stdin=False, hb=False, control=False)
        self._connected = True

    async def _handshake(self) -> None:
        # Repeat kernel_info until it is answered and its idle status arrives on IOPub too,
        # which proves the subscription is live (early IOPub messages are otherwise lost).
        while True:
            request = self._client.kernel_info()
            if await self._await_reply_for(request, 0.05) and await self._await_idle(request):
                return
            if not self.alive:
                raise KernelStartError(f"its process exited with status {self.process.returncode}")

    async def _await_idle(self, request: str) -> bool:
        try:
            while True:
                message = await self._client.get_iopub_msg(timeout=0.05)
                if message["parent_header"].get("msg_id") == request and _is_idle(message):
                    return True
        except Empty:
            return False

    async def execute(self, code: str, seconds: float, collector: OutputCollector) -> RunEnd:
        """Run ``code`` for at most ``seconds``, feeding its output to ``collector``."""
        self._executing = True
        try:
            return await self._run(code, seconds, collector)
        finally:
            self._executing = False
            if self._killed:
                self._disconnect()  # kill() left it to us: closing would fail our pending poll

    async def _run(self, code: str, seconds: float, collector: OutputCollector) -> RunEnd:
        request = self._client.execute(code, allow_stdin=False, stop_on_error=True)
        loop = asyncio.get_running_loop()
        deadline = loop.time() + seconds
        replied = False
        quiet_since = loop.time()
        while not collector.idle:
            remaining = deadline - loop.time()
            if remaining <= 0:
                return RunEnd.TIMEOUT
            if not self.alive:
                return RunEnd.DIED
            message = await self._next_output(min(remaining, _SLICE))
            if message is not None:
                quiet_since = loop.time()
                if message["parent_header"].get("msg_id") == request:
                    collector.add(message)
                continue
            replied = replied or await self._await_reply_for(request, 0)
            if replied and loop.time() - quiet_since > _GRACE:
                return RunEnd.LOST  # replied, yet no idle status: IOPub was dropped
        if not replied and not await self._await_reply_for(request, _GRACE):
            return RunEnd.LOST  # the reply precedes the idle status; the shell socket was dropped
        return RunEnd.DONE

    async def _next_output(self, within: float) -> dict[str, Any] | None:
        try:
            return await self._client.get_iopub_msg(timeout=within)
        except Empty:
            return None

    async def _await_reply_for(self, request: str, within: float) -> bool:
        try:
            while True:
                reply = await self._client.get_shell_msg(timeout=within)
                if reply["parent_header"].get("msg_id") == request:
                    return True
        except Empty:
            return False

    def _disconnect(self) -> None:
        if self._connected:
            # Not stop_channels(): it would first create (and connect) the channels not in use.
            self._client.shell_channel.close()
            self._client.iopub_channel.close()
            self._connected = False

    async def kill(self) -> None:
        """End the kernel and everything in its sandbox; wait until they are gone.

        Safe to call more than once, and while `execute` runs (which then returns ``DIED``).
        """
        self._killed = True
        if self.alive:
            await self._backend.terminate(self.process)
        await self.process.wait()
        if not self._executing:
            self._disconnect()
        if not self._spec.user.shared:
            # The sandbox's pid namespace empties after its init dies; the uid is reused.
            await wait_until_gone(self._spec.user.uid)


def _is_socket(path: Path) -> bool:
    try:
        return stat.S_ISSOCK(path.lstat().st_mode)
    except FileNotFoundError:
        return False


def _is_idle(message: dict[str, Any]) -> bool:
    return bool(
        message["msg_type"] == "status" and message["content"].get("execution_state") == "idle"
    )


def _write_connection_file(spec: LaunchSpec, paths: KernelPaths) -> dict[str, Any]:
    info: dict[str, Any] = {
        **_PORTS,
        "transport": "ipc",
        "ip": f"{paths.runtime}/kernel",
        "key": secrets.token_hex(32),
        "signature_scheme": "hmac-sha256",
    }
    path = spec.runtime_dir / CONNECTION_FILE
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600)
    with os.fdopen(fd, "w") as file:
        json.dump(info, file)
    if not spec.user.shared:
        os.chown(path, spec.user.uid, spec.user.gid)
    return info


def _tail(log_path: Path) -> str:
    try:
        text = log_path.read_bytes()[-2000:].decode(errors="replace").strip()
    except OSError:
        return ""
    return f"; its output ends: {text}" if text else ""
