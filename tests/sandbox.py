"""Whether the code interpreter's sandboxed kernels can run here, for the tests needing them.

Kernel tests need bubblewrap and the kernel environment (`scripts/install dev` builds it;
`scripts/test` and `.ci/run` install bubblewrap where they run as root with apt). Without
them those tests are skipped, except in CI, where they fail.
"""

from __future__ import annotations

import os
import shutil

import pytest

from agentkit.code_interpreter import KernelEnvironment, KernelEnvironmentError


def sandbox_missing() -> str | None:
    """Why kernels cannot start here, or None when they can."""
    if shutil.which("bwrap") is None:
        return "bubblewrap is not installed (apt-get install bubblewrap)"
    try:
        KernelEnvironment.at()
    except KernelEnvironmentError as error:
        return str(error)
    return None


def require_sandbox() -> None:
    """Skip the calling test where kernels cannot run; fail it in CI, which must run it."""
    missing = sandbox_missing()
    if missing is None:
        return
    if os.environ.get("CI"):
        pytest.fail(f"the code interpreter cannot run here: {missing}")
    pytest.skip(missing)
