"""The seam between the kernel pool and whatever isolates a kernel.

A backend turns a `LaunchSpec` (the kernel command as it should run inside, its environment,
the session's directories, its user and limits) into the host command that runs it isolated.
The pool spawns that command (in a new session), talks to the kernel over ZMQ ``ipc://``
sockets in the runtime directory, and ends it with the backend's `terminate`, which must leave
nothing of the sandbox running. A container runtime would plug in here: ``command`` becomes
``docker run --rm --network none --user ... --memory ... --pids-limit ... --ulimit ...`` with
the same two bind mounts, and ``terminate`` becomes ``docker kill``.

Backends here: `BubblewrapSandbox` (the default on Linux) and `NoSandbox` (explicit opt-in).
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import structlog

from agentkit.code_interpreter.identity import SandboxUser
from agentkit.code_interpreter.limits import KernelLimits

__all__ = [
    "KernelPaths",
    "LaunchSpec",
    "NoSandbox",
    "SandboxBackend",
    "kill_group",
    "rlimit_args",
]

_log = structlog.get_logger("agentkit.code_interpreter")


@dataclass(frozen=True)
class KernelPaths:
    """Where the kernel sees things, as a backend lays them out.

    Attributes:
        data: the session's files (``/mnt/data`` in a sandbox).
        runtime: the connection file and ZMQ sockets (``/run/kernel`` in a sandbox).
        scratch: a writable directory private to the kernel, for ``HOME`` and caches
            (kept out of ``data`` so only what the code writes there becomes output).
    """

    data: str
    runtime: str
    scratch: str


@dataclass(frozen=True)
class LaunchSpec:
    """Everything a backend needs to run one kernel.

    Attributes:
        argv: the kernel command, with paths as the kernel will see them.
        env: the kernel's whole environment (nothing of the host's is passed on).
        data_dir: the session's files on the host (``paths().data`` inside).
        runtime_dir: the connection file and sockets on the host (``paths().runtime`` inside).
        read_only: extra ``(host path, sandbox path)`` pairs to show read-only (the kernel's
            Python, its font cache, a passwd file naming the sandbox user).
        user: the host uid/gid to run as.
        limits: the limits to enforce.
    """

    argv: tuple[str, ...]
    env: Mapping[str, str]
    data_dir: Path
    runtime_dir: Path
    read_only: tuple[tuple[Path, str], ...]
    user: SandboxUser
    limits: KernelLimits


class SandboxBackend(Protocol):
    """Runs a kernel isolated. Implementations are small and hold no per-kernel state."""

    name: str

    async def check(self) -> None:
        """Raise `SandboxUnavailableError` (naming what to install) unless usable here."""
        ...

    def paths(self, data_dir: Path, runtime_dir: Path) -> KernelPaths:
        """Where a kernel run by this backend sees the session's directories."""
        ...

    def command(self, spec: LaunchSpec) -> list[str]:
        """The host command that runs ``spec.argv`` inside the sandbox."""
        ...

    async def terminate(self, process: asyncio.subprocess.Process) -> None:
        """End everything ``command`` started (the caller then reaps ``process``)."""
        ...


def rlimit_args(limits: KernelLimits, processes: int | None) -> list[str]:
    """A ``prlimit`` prefix setting soft and hard rlimits on the command it runs."""
    args = [
        "prlimit",
        f"--as={limits.memory_bytes}",
        f"--cpu={limits.cpu_seconds}",
        f"--fsize={limits.file_size_bytes}",
        f"--nofile={limits.open_files}",
        "--core=0",  # a crash must not dump the kernel's memory into /mnt/data
    ]
    if processes is not None:
        args.append(f"--nproc={processes}")
    return [*args, "--"]


class NoSandbox:
    """Runs the kernel as a plain child process: NO isolation. For trusted code only.

    The kernel runs as the host's user, with the host's file system and network; only the
    rlimits apply. Its files are in the session's data directory, which is its working
    directory (``/mnt/data`` does not exist), and it ignores ``LaunchSpec.read_only``.
    Chosen only by ``unsafe_no_sandbox=True``.
    """

    name = "none (unsafe)"

    async def check(self) -> None:
        _log.warning(
            "code interpreter running WITHOUT a sandbox: the code it runs can read and "
            "change everything this process can, and reach the network",
            uid=os.geteuid(),
        )

    def paths(self, data_dir: Path, runtime_dir: Path) -> KernelPaths:
        return KernelPaths(str(data_dir), str(runtime_dir), str(runtime_dir / "scratch"))

    def command(self, spec: LaunchSpec) -> list[str]:
        return [*rlimit_args(spec.limits, None), *spec.argv]

    async def terminate(self, process: asyncio.subprocess.Process) -> None:
        kill_group(process)


def kill_group(process: asyncio.subprocess.Process) -> None:
    """SIGKILL the process group ``process`` leads (it was started in a new session)."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)
