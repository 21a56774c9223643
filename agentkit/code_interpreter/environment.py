"""The kernel's Python: where it lives, and whether a sandboxed kernel can use it.

A kernel runs as a uid that owns nothing on the host, so its interpreter, standard library and
packages must be readable by "others": a virtualenv under ``/root`` (or a pyenv Python there)
is not. `provision` builds a suitable environment from the system Python in a world-readable
place; this module finds it and checks it before a kernel is started.
"""

from __future__ import annotations

import hashlib
import json
import os
import stat
import sys
from dataclasses import dataclass
from pathlib import Path

from agentkit.code_interpreter.errors import KernelEnvironmentError

__all__ = [
    "ENV_VARIABLE",
    "KERNEL_REQUIREMENTS",
    "KernelEnvironment",
    "default_base_python",
    "default_kernel_env_path",
]

KERNEL_REQUIREMENTS = (
    "ipykernel>=6.29",
    "matplotlib>=3.8",
    "numpy>=1.26",
    "pandas>=2.2",
)
"""What every kernel environment has: a Jupyter kernel and the default scientific stack."""

ENV_VARIABLE = "AGENTKIT_KERNEL_ENV"
"""Names a kernel environment directory, overriding the default location."""

PROVISION_COMMAND = "python -m agentkit.code_interpreter.provision"
FONT_CACHE_DIR = "share/agentkit/matplotlib"
"""Where provisioning leaves matplotlib's font list, so kernels do not rebuild it (~1 s)."""


def default_base_python() -> Path:
    """The interpreter kernel environments are built from: the system's, when there is one."""
    system = Path("/usr/bin/python3")
    if system.exists():
        return system
    return Path(getattr(sys, "_base_executable", sys.executable))


def default_kernel_env_path(base_python: Path | None = None) -> Path:
    """Where the kernel environment lives unless ``AGENTKIT_KERNEL_ENV`` says otherwise.

    As root: ``/opt/agentkit/kernel-<hash>``; otherwise under ``$XDG_DATA_HOME/agentkit``.
    The hash covers the requirements and the base interpreter, so a change builds a new
    environment beside the old one instead of changing it under running kernels.
    """
    configured = os.environ.get(ENV_VARIABLE)
    if configured:
        return Path(configured)
    python = base_python or default_base_python()
    digest = hashlib.sha256(json.dumps([str(python), *KERNEL_REQUIREMENTS]).encode()).hexdigest()
    if os.geteuid() == 0:
        base = Path("/opt/agentkit")
    else:
        data_home = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
        base = Path(data_home) / "agentkit"
    return base / f"kernel-{digest[:12]}"


@dataclass(frozen=True)
class KernelEnvironment:
    """A Python environment with ipykernel, as the sandbox needs to see it.

    Attributes:
        prefix: the environment's directory (a virtualenv, or a system prefix such as ``/usr``).
        python: its interpreter.
        base_prefix: the installation a virtualenv was made from (its standard library).
    """

    prefix: Path
    python: Path
    base_prefix: Path

    @classmethod
    def at(cls, prefix: Path | str | None = None) -> KernelEnvironment:
        """The environment at ``prefix`` (default: `default_kernel_env_path`), checked.

        Raises:
            KernelEnvironmentError: it is missing, is not a Python environment, or lacks
                ipykernel; the message says how to create it.
        """
        root = Path(prefix) if prefix is not None else default_kernel_env_path()
        python = root / "bin" / "python"
        if not python.exists():
            raise KernelEnvironmentError(
                f"no kernel environment at {root} (no bin/python); create it with "
                f"`{PROVISION_COMMAND}` (scripts/install does this for the dev extra)"
            )
        if not any(root.glob("lib/python3*/*-packages/ipykernel/__init__.py")):
            raise KernelEnvironmentError(
                f"the kernel environment at {root} has no ipykernel; "
                f"`{PROVISION_COMMAND} --target {root}` installs it"
            )
        return cls(prefix=root, python=python, base_prefix=_base_prefix(root))

    @property
    def font_cache(self) -> Path | None:
        """The font list provisioning prebuilt for matplotlib, if any."""
        return next(iter(sorted((self.prefix / FONT_CACHE_DIR).glob("fontlist-*.json"))), None)

    def check_readable_by_others(self) -> None:
        """Raise unless a uid that owns nothing here can run this interpreter.

        Raises:
            KernelEnvironmentError: names the first path "others" cannot read or enter.
        """
        paths = [self.prefix, self.python.resolve(), self.base_prefix]
        paths += list(self.prefix.glob("lib/python3*/*-packages/ipykernel"))
        for path in paths:
            blocked = _first_unreadable(path)
            if blocked is not None:
                raise KernelEnvironmentError(
                    f"the kernel runs as an unprivileged user, who cannot read {blocked} "
                    f"(needed for {path}); build the kernel environment in a world-readable "
                    f"place with `{PROVISION_COMMAND}` (from the system Python, e.g. "
                    f"/usr/bin/python3, not one under /root)"
                )


def _base_prefix(prefix: Path) -> Path:
    config = prefix / "pyvenv.cfg"
    if not config.exists():
        return prefix
    for line in config.read_text().splitlines():
        key, _, value = line.partition("=")
        if key.strip() == "home":
            return Path(value.strip()).resolve().parent
    return prefix


def _first_unreadable(path: Path) -> Path | None:
    for parent in reversed(path.parents):
        if not stat.S_IMODE(parent.stat().st_mode) & stat.S_IXOTH:
            return parent
    mode = stat.S_IMODE(path.stat().st_mode)
    needed = stat.S_IROTH | (stat.S_IXOTH if path.is_dir() else 0)
    return None if mode & needed == needed else path
