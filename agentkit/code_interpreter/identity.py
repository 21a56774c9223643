"""Who a kernel runs as: one unprivileged host uid per session, leased machine-wide.

When the host runs as root, every session gets its own uid from a range no real user has, so
``RLIMIT_NPROC`` (counted per uid) confines a fork bomb to its own session, and files one
session writes are owned by a uid no other session runs as. A lease is an ``flock`` on a
per-uid lock file, so two pools on one machine (two servers, two test runs) never share a uid,
and a crashed pool's leases end with its process.

Not as root, the kernel runs as the host user itself (nothing else is possible without
privileges); see `SandboxUser.shared`.
"""

from __future__ import annotations

import asyncio
import fcntl
import os
import random
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from agentkit.code_interpreter.errors import CodeInterpreterError, PoolExhaustedError

__all__ = [
    "DEFAULT_UIDS",
    "SandboxUser",
    "UidLease",
    "count_processes",
    "count_tasks",
    "wait_until_gone",
]

DEFAULT_UIDS = range(1_900_000, 1_965_536)
"""Above the uids Debian gives users (and the 100000-165535 subordinate-uid block)."""


@dataclass(frozen=True)
class SandboxUser:
    """The host uid/gid a session's kernel runs as.

    Attributes:
        uid: the user id.
        gid: the group id (equal to uid for leased users).
        shared: True when this is the host's own user (not running as root), so processes
            and rlimits are shared with the host and with every other session.
    """

    uid: int
    gid: int
    shared: bool = False


class UidLease:
    """A machine-wide lease on one sandbox uid; `release` (or process exit) ends it."""

    def __init__(self, user: SandboxUser, fd: int | None) -> None:
        self.user = user
        self._fd = fd

    @classmethod
    def acquire(cls, uids: range, lock_dir: Path | None = None) -> UidLease:
        """Lease a free uid from ``uids``, or the host's own user when not root.

        Raises:
            PoolExhaustedError: every uid in the range is leased or still has processes.
        """
        if os.geteuid() != 0:
            return cls(SandboxUser(os.getuid(), os.getgid(), shared=True), None)
        directory = lock_dir or _default_lock_dir()
        start = random.randrange(len(uids))
        for offset in range(len(uids)):
            uid = uids[(start + offset) % len(uids)]
            fd = _try_lock(directory / f"{uid}.lock")
            if fd is None:
                continue
            if count_processes(uid):
                # A process from a pool that died without cleaning up: not ours to reuse.
                os.close(fd)
                continue
            return cls(SandboxUser(uid, uid), fd)
        raise PoolExhaustedError(
            f"no free sandbox uid in {uids.start}..{uids.stop - 1}: end some sessions"
        )

    def release(self) -> None:
        """End the lease (idempotent)."""
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None


def _default_lock_dir() -> Path:
    base = Path("/run") if os.access("/run", os.W_OK) else Path(tempfile.gettempdir())
    directory = base / "agentkit-code-interpreter-uids"
    directory.mkdir(mode=0o700, exist_ok=True)
    if directory.is_symlink() or directory.stat().st_uid != 0:
        raise CodeInterpreterError(f"{directory} is not a directory owned by root; remove it")
    return directory


def _try_lock(path: Path) -> int | None:
    fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        os.close(fd)
        return None
    return fd


def count_processes(uid: int) -> int:
    """How many processes (not threads) on this machine run as ``uid``."""
    count = 0
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            if entry.stat(follow_symlinks=False).st_uid == uid:
                count += 1
        except FileNotFoundError:
            continue
    return count


def count_tasks(uid: int) -> int:
    """How many tasks (processes and threads: what ``RLIMIT_NPROC`` counts) run as ``uid``."""
    count = 0
    for entry in os.scandir("/proc"):
        try:
            if entry.name.isdigit() and entry.stat(follow_symlinks=False).st_uid == uid:
                count += len(os.listdir(f"/proc/{entry.name}/task"))
        except (FileNotFoundError, ProcessLookupError):
            continue
    return count


async def wait_until_gone(uid: int, within: float = 5.0) -> bool:
    """Wait until no process runs as ``uid`` (a killed pid namespace empties asynchronously)."""
    deadline = time.monotonic() + within
    while count_processes(uid):
        if time.monotonic() > deadline:
            return False
        await asyncio.sleep(0.02)
    return True
