"""The bubblewrap backend: a kernel in fresh namespaces, seeing an allowlist of the host.

The command, outermost first::

    prlimit --as --cpu --fsize --nofile --nproc --      rlimits, inherited by everything below
    setpriv --reuid --regid --clear-groups --no-new-privs --   (as root) the session's own uid
    bwrap --unshare-user --unshare-net --unshare-pid --unshare-ipc --unshare-uts ...
          --die-with-parent --new-session --cap-drop ALL --clearenv
          <read-only system directories> <kernel Python, read-only>
          --proc /proc --dev /dev (read-only, with a small /dev/shm)
          --tmpfs /tmp (sized) --tmpfs /mnt (read-only) --bind <data> /mnt/data
          --bind <runtime> /run/kernel --remount-ro /
          python -m ipykernel_launcher -f /run/kernel/connection.json

No network namespace device but ``lo`` exists inside, so nothing on the host (not even its
127.0.0.1) is reachable; home directories, ``/var``, ``/srv``, ``/opt`` (but the kernel's
environment), ``/sys`` and the host's ``/tmp`` are simply not there.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
import signal
from pathlib import Path

from agentkit.code_interpreter.errors import SandboxUnavailableError
from agentkit.code_interpreter.identity import SandboxUser, count_tasks
from agentkit.code_interpreter.sandbox import KernelPaths, LaunchSpec, kill_group, rlimit_args

__all__ = ["BubblewrapSandbox"]

SYSTEM_DIRECTORIES = ("/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32")
ETC_FILES = (
    "alternatives",
    "fonts",
    "ld.so.cache",
    "ld.so.conf",
    "ld.so.conf.d",
    "localtime",
    "mime.types",
)
"""From /etc, only what the dynamic loader, fonts and time zones need (no passwd, no shadow)."""

DATA_PATH = "/mnt/data"
RUNTIME_PATH = "/run/kernel"
SCRATCH_PATH = "/tmp"

_PROBE_USER = SandboxUser(65534, 65534)
"""``nobody``: any unprivileged uid shows whether kernels' user namespaces are allowed."""

_INSTALL_HINT = (
    "install bubblewrap (Debian/Ubuntu: `apt-get install bubblewrap`; "
    "Fedora: `dnf install bubblewrap`) and util-linux (prlimit, setpriv)"
)


class BubblewrapSandbox:
    """Isolates kernels with bubblewrap (``bwrap``), as root or as an unprivileged user.

    As root each session runs as its own uid (see `SandboxUser`). As an unprivileged user
    the kernel runs as that user (bubblewrap needs unprivileged user namespaces, which
    Debian, Ubuntu and Fedora allow), and the process limit counts the user's own processes
    too, so it is set above what the user already runs.
    """

    name = "bubblewrap"

    def __init__(self, bwrap: str = "bwrap") -> None:
        self._bwrap = bwrap
        self._checked = False

    async def check(self) -> None:
        if self._checked:
            return
        missing = [tool for tool in (self._bwrap, "prlimit", "setpriv") if not shutil.which(tool)]
        if missing:
            raise SandboxUnavailableError(
                f"the code interpreter's sandbox needs {', '.join(missing)}: {_INSTALL_HINT}; "
                "or run without a sandbox with unsafe_no_sandbox=True (trusted code only)"
            )
        await self._try_namespaces()
        self._checked = True

    async def _try_namespaces(self) -> None:
        # As an unprivileged user, as kernels run: root may create user namespaces where
        # other users may not (a sysctl, or Ubuntu's AppArmor restriction).
        user = ["setpriv", *_drop_to(_PROBE_USER)] if os.geteuid() == 0 else []
        probe = await asyncio.create_subprocess_exec(
            *user,
            self._bwrap,
            *("--unshare-user", "--unshare-net", "--unshare-pid", "--die-with-parent"),
            *_system_mounts(),
            "true",
            stdin=asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.DEVNULL,
            stderr=asyncio.subprocess.PIPE,
        )
        _, stderr = await probe.communicate()
        if probe.returncode != 0:
            raise SandboxUnavailableError(
                f"bubblewrap cannot create namespaces here ({stderr.decode().strip()}); allow "
                "unprivileged user namespaces (sysctl kernel.unprivileged_userns_clone=1, or "
                "in a container run it with --privileged or a seccomp profile that allows "
                "clone(CLONE_NEWUSER)), or run without a sandbox with unsafe_no_sandbox=True"
            )

    def paths(self, data_dir: Path, runtime_dir: Path) -> KernelPaths:
        return KernelPaths(DATA_PATH, RUNTIME_PATH, SCRATCH_PATH)

    async def terminate(self, process: asyncio.subprocess.Process) -> None:
        # Kill the sandbox's init (bwrap's child): the kernel empties its pid namespace, and
        # the outer bwrap reaps it and exits. Killing the outer one instead would leave the
        # init a zombie until the host's pid 1 gets round to reaping it.
        inits = _children(process.pid)
        for pid in inits:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        if inits:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(asyncio.shield(process.wait()), 2.0)
        if process.returncode is None:
            kill_group(process)

    def command(self, spec: LaunchSpec) -> list[str]:
        user = spec.user
        if user.shared:
            # RLIMIT_NPROC counts every process of the uid, the host's own included.
            processes = count_tasks(user.uid) + spec.limits.max_processes
            prefix = rlimit_args(spec.limits, processes)
        else:
            prefix = [
                *rlimit_args(spec.limits, spec.limits.max_processes),
                "setpriv",
                *_drop_to(user),
            ]
        return [*prefix, self._bwrap, *_bwrap_args(spec), "--", *spec.argv]


def _bwrap_args(spec: LaunchSpec) -> list[str]:
    tmp_size, shm_size = str(spec.limits.tmp_bytes), str(min(spec.limits.tmp_bytes, 64 << 20))
    args = [
        *("--unshare-user", "--unshare-net", "--unshare-pid", "--unshare-ipc"),
        *("--unshare-uts", "--unshare-cgroup-try", "--hostname", "sandbox"),
        *("--die-with-parent", "--new-session", "--cap-drop", "ALL", "--clearenv"),
        *_system_mounts(),
        *("--proc", "/proc", "--dev", "/dev", "--size", shm_size, "--tmpfs", "/dev/shm"),
        *("--remount-ro", "/dev", "--size", tmp_size, "--tmpfs", SCRATCH_PATH),
        *("--perms", "0555", "--tmpfs", "/mnt", "--bind", str(spec.data_dir), DATA_PATH),
        *("--bind", str(spec.runtime_dir), RUNTIME_PATH),
    ]
    for host_path, sandbox_path in spec.read_only:
        args += ["--ro-bind", str(host_path), sandbox_path]
    for name, value in spec.env.items():
        args += ["--setenv", name, value]
    return [*args, "--chdir", DATA_PATH, "--remount-ro", "/"]


def _drop_to(user: SandboxUser) -> list[str]:
    return [f"--reuid={user.uid}", f"--regid={user.gid}", "--clear-groups", "--no-new-privs", "--"]


def _children(pid: int) -> list[int]:
    try:
        return [
            int(child) for child in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
        ]
    except OSError:
        return []


def _system_mounts() -> list[str]:
    args: list[str] = []
    for directory in SYSTEM_DIRECTORIES:
        path = Path(directory)
        if path.is_symlink():
            args += ["--symlink", os.readlink(path), directory]
        elif path.is_dir():
            args += ["--ro-bind", directory, directory]
    for name in ETC_FILES:
        args += ["--ro-bind-try", f"/etc/{name}", f"/etc/{name}"]
    return args
