"""Build the kernel environment: ``python -m agentkit.code_interpreter.provision``.

It makes a virtualenv from the system Python (``/usr/bin/python3``) in a world-readable place
(`default_kernel_env_path`), installs ipykernel, matplotlib, numpy and pandas into it with this
interpreter's pip, and prebuilds matplotlib's font list. It is idempotent and safe to run
from several processes at once (a lock file), and builds beside the final path, renaming
into place, so a kernel never sees a half-built environment.
"""

from __future__ import annotations

import argparse
import contextlib
import fcntl
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path

from agentkit.code_interpreter.environment import (
    FONT_CACHE_DIR,
    KERNEL_REQUIREMENTS,
    KernelEnvironment,
    default_base_python,
    default_kernel_env_path,
)
from agentkit.code_interpreter.errors import KernelEnvironmentError

__all__ = ["main", "provision_kernel_env"]

_STAMP = ".agentkit-kernel-env.json"


def provision_kernel_env(
    target: Path | None = None,
    *,
    base_python: Path | None = None,
    requirements: Sequence[str] = KERNEL_REQUIREMENTS,
) -> KernelEnvironment:
    """Create (or confirm) a kernel environment and return it.

    Args:
        target: where it goes (default: `default_kernel_env_path` for ``base_python``).
        base_python: the interpreter to build it from (default: the system Python).
        requirements: pip requirement strings to install.

    Raises:
        KernelEnvironmentError: a step failed; the message has the command and its output.
    """
    python = base_python or default_base_python()
    root = target or default_kernel_env_path(python)
    stamp = _stamp(python, requirements)
    if not root.parent.exists():
        root.parent.mkdir(parents=True)
        root.parent.chmod(0o755)  # whatever the umask: the sandbox user must pass through
    with _locked(root.parent / f".{root.name}.lock"):
        if _stamp_matches(root, stamp):
            return KernelEnvironment.at(root)
        building = root.parent / f".{root.name}.building"
        shutil.rmtree(building, ignore_errors=True)
        previous_umask = os.umask(0o022)
        try:
            _run([str(python), "-m", "venv", "--without-pip", str(building)])
            pip = [sys.executable, "-m", "pip", "--python", str(building / "bin" / "python")]
            _run([*pip, "install", "--disable-pip-version-check", *requirements])
        finally:
            os.umask(previous_umask)
        shutil.rmtree(root, ignore_errors=True)
        building.rename(root)
        _build_font_cache(root)
        _open_to_others(root)
        (root / _STAMP).write_text(json.dumps(stamp))
        return KernelEnvironment.at(root)


def _stamp(python: Path, requirements: Sequence[str]) -> dict[str, object]:
    return {"base_python": str(python), "requirements": list(requirements)}


def _stamp_matches(root: Path, stamp: dict[str, object]) -> bool:
    try:
        return bool(json.loads((root / _STAMP).read_text()) == stamp)
    except (OSError, ValueError):
        return False


@contextlib.contextmanager
def _locked(path: Path) -> Iterator[None]:
    fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)


def _run(command: list[str], env: dict[str, str] | None = None) -> None:
    done = subprocess.run(command, capture_output=True, text=True, env=env, check=False)
    if done.returncode != 0:
        output = (done.stdout + done.stderr).strip()[-3000:]
        raise KernelEnvironmentError(
            f"provisioning the kernel environment failed: {' '.join(command)}\n{output}"
        )


def _build_font_cache(root: Path) -> None:
    # After the rename: matplotlib records absolute font paths, which must be the final ones.
    cache = root / FONT_CACHE_DIR
    cache.mkdir(parents=True, exist_ok=True)
    env = {"PATH": "/usr/bin:/bin", "MPLCONFIGDIR": str(cache), "HOME": str(cache)}
    _run([str(root / "bin" / "python"), "-c", "import matplotlib.font_manager"], env=env)


def _open_to_others(root: Path) -> None:
    # pip honours the umask, which CI may set to 077; the sandbox user must read everything.
    for directory, _, files in os.walk(root):
        os.chmod(directory, os.stat(directory).st_mode | 0o555)
        for name in files:
            path = os.path.join(directory, name)
            if not os.path.islink(path):
                mode = os.stat(path).st_mode
                os.chmod(path, mode | 0o444 | (0o111 if mode & 0o100 else 0))


def main(argv: Sequence[str] | None = None) -> int:
    """Command line: build the kernel environment and print its path."""
    parser = argparse.ArgumentParser(
        prog="python -m agentkit.code_interpreter.provision",
        description="Build the code interpreter's kernel environment (idempotent).",
    )
    parser.add_argument(
        "--target", type=Path, help="directory (default: %(default)s)", default=None
    )
    parser.add_argument("--python", type=Path, help="interpreter to build from", default=None)
    args = parser.parse_args(argv)
    python = args.python or default_base_python()
    target = args.target or default_kernel_env_path(python)
    if not _stamp_matches(target, _stamp(python, KERNEL_REQUIREMENTS)):
        print(f"building the kernel environment in {target} (about a minute)", file=sys.stderr)
    try:
        environment = provision_kernel_env(target, base_python=python)
    except KernelEnvironmentError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    if os.geteuid() == 0:
        environment.check_readable_by_others()
    print(environment.prefix)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
