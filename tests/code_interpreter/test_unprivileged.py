"""Without root the pool still sandboxes: bubblewrap in user namespaces, as the user's uid."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

from agentkit.code_interpreter import KernelEnvironment

NOBODY = 65534
HERE = Path(__file__).parent
PROJECT = HERE.parent.parent
SITE_PACKAGES = Path(sysconfig.get_paths()["purelib"])


def system_python_version() -> tuple[int, int] | None:
    try:
        done = subprocess.run(
            ["/usr/bin/python3", "-c", "import sys; print(*sys.version_info[:2])"],
            capture_output=True, text=True, timeout=10, check=True,
        )  # fmt: skip
    except (OSError, subprocess.SubprocessError):
        return None
    major, minor = done.stdout.split()
    return int(major), int(minor)


def readable_by_others(path: Path) -> bool:
    return all(stat.S_IMODE(part.stat().st_mode) & stat.S_IXOTH for part in [*path.parents, path])


pytestmark = [
    pytest.mark.usefixtures("kernels_available"),
    pytest.mark.skipif(os.geteuid() != 0, reason="switching to another user needs root"),
    pytest.mark.skipif(
        not (readable_by_others(SITE_PACKAGES) and readable_by_others(PROJECT)),
        reason="this checkout or its virtualenv is not readable by other users",
    ),
    # The system interpreter runs the test's client with this virtualenv's packages, whose
    # compiled parts (pydantic-core) are built for this interpreter's version.
    pytest.mark.skipif(
        system_python_version() != sys.version_info[:2],
        reason="/usr/bin/python3 is another Python version than this virtualenv's",
    ),
]


def test_an_unprivileged_user_gets_a_working_sandbox() -> None:
    environment = KernelEnvironment.at()
    command = [
        *("setpriv", f"--reuid={NOBODY}", f"--regid={NOBODY}", "--clear-groups", "--"),
        "/usr/bin/python3",  # the virtualenv's own interpreter may live under /root
        str(HERE / "unprivileged_run.py"),
    ]
    env = {
        "PATH": "/usr/bin:/bin",
        "HOME": "/nonexistent",
        "PYTHONPATH": f"{PROJECT}:{SITE_PACKAGES}",
        "AGENTKIT_KERNEL_ENV": str(environment.prefix),
    }

    done = subprocess.run(
        command, env=env, capture_output=True, text=True, timeout=90, check=False, cwd="/"
    )

    assert done.returncode == 0, done.stderr[-3000:]
    report = json.loads(done.stdout.splitlines()[-1])
    assert report["uid"] == NOBODY
    assert report["doubled"] == "40\n"
    assert report["probe"].splitlines() == [
        str(NOBODY),
        "[(1, 'lo')]",
        "/etc/shadow False",
        "/root False",
        "/home False",
        "/var False",
    ]
    assert report["bomb"] == "processes"
    assert report["after"] == "after 20\n"
