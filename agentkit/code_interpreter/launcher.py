"""How a pool starts a kernel for a session: the kernel's command, environment and mounts."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

from agentkit.code_interpreter.bubblewrap import SYSTEM_DIRECTORIES
from agentkit.code_interpreter.environment import KernelEnvironment
from agentkit.code_interpreter.kernel import CONNECTION_FILE, Kernel
from agentkit.code_interpreter.limits import KernelLimits
from agentkit.code_interpreter.sandbox import KernelPaths, LaunchSpec, SandboxBackend
from agentkit.code_interpreter.workspace import Workspace

if TYPE_CHECKING:
    import zmq.asyncio

__all__ = ["KernelLauncher", "stream_budget"]

_KERNEL_OPTIONS = (
    "--HistoryManager.enabled=False",  # no SQLite history file, one thread fewer
    "--InteractiveShell.colors=nocolor",  # plain tracebacks for the model
)
STARTUP_FILE = "startup.py"
_STARTUP_CODE = (Path(__file__).parent / "kernel_startup.py").read_text()


def _write_new(path: Path, text: str) -> None:
    # In the kernel's own directory: never through a link it may have left there.
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o644)
    os.fchmod(fd, 0o644)  # whatever the umask: the kernel's user reads it
    with os.fdopen(fd, "w") as file:
        file.write(text)


def stream_budget(limits: KernelLimits) -> int:
    """Characters the kernel sends per stream and cell.

    Chosen so that stdout and stderr, each with its truncation marker, fit in
    ``output_chars`` together and the host does not cut them again.
    """
    return max(limits.output_chars // 2 - 50, 50)


class KernelLauncher:
    """Starts kernels with one backend, environment and set of limits."""

    def __init__(
        self,
        backend: SandboxBackend,
        environment: KernelEnvironment,
        limits: KernelLimits,
        context: zmq.asyncio.Context,
        start_timeout: float,
    ) -> None:
        self.backend = backend
        self.environment = environment
        self.limits = limits
        self._context = context
        self._start_timeout = start_timeout

    async def start(self, workspace: Workspace) -> Kernel:
        """Start a kernel for ``workspace``'s session (see `Kernel.start` for errors)."""
        workspace.clear_runtime()
        _write_new(workspace.runtime / STARTUP_FILE, _STARTUP_CODE)
        paths = self.backend.paths(workspace.data, workspace.runtime)
        spec = LaunchSpec(
            argv=(
                str(self.environment.python),
                *("-s", "-m", "ipykernel_launcher"),
                *("-f", f"{paths.runtime}/{CONNECTION_FILE}"),
                *_KERNEL_OPTIONS,
                f"--IPKernelApp.exec_files={paths.runtime}/{STARTUP_FILE}",
            ),
            env=self._environment_variables(paths),
            data_dir=workspace.data,
            runtime_dir=workspace.runtime,
            read_only=self._read_only(workspace, paths),
            user=workspace.user,
            limits=self.limits,
        )
        return await Kernel.start(
            self.backend,
            spec,
            paths,
            self._context,
            self._start_timeout,
            workspace.kernel_log,
            workspace.sockets,
        )

    def _environment_variables(self, paths: KernelPaths) -> dict[str, str]:
        threads = str(self.limits.threads)
        return {
            "PATH": f"{self.environment.prefix}/bin:/usr/local/bin:/usr/bin:/bin",
            "HOME": paths.scratch,
            "TMPDIR": paths.scratch,
            "USER": "sandbox",
            "LOGNAME": "sandbox",
            "LANG": "C.UTF-8",
            "PYTHONDONTWRITEBYTECODE": "1",
            "AGENTKIT_OUTPUT_CHARS": str(stream_budget(self.limits)),
            # Config and caches in scratch, never in the data directory.
            "MPLCONFIGDIR": f"{paths.scratch}/matplotlib",
            "MPLBACKEND": "module://matplotlib_inline.backend_inline",
            "IPYTHONDIR": f"{paths.scratch}/.ipython",
            "XDG_CACHE_HOME": f"{paths.scratch}/.cache",
            "XDG_CONFIG_HOME": f"{paths.scratch}/.config",
            "OPENBLAS_NUM_THREADS": threads,
            "OMP_NUM_THREADS": threads,
            "MKL_NUM_THREADS": threads,
        }

    def _read_only(self, workspace: Workspace, paths: KernelPaths) -> tuple[tuple[Path, str], ...]:
        mounts = [(self.environment.prefix, str(self.environment.prefix))]
        base = self.environment.base_prefix
        if not any(base.is_relative_to(system) for system in SYSTEM_DIRECTORIES):
            mounts.append((base, str(base)))
        font_cache = self.environment.font_cache
        if font_cache is not None:
            mounts.append((font_cache, f"{paths.scratch}/matplotlib/{font_cache.name}"))
        mounts += [
            (workspace.root / "passwd", "/etc/passwd"),
            (workspace.root / "group", "/etc/group"),
        ]
        return tuple(mounts)
