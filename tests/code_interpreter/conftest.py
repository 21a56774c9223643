"""Fixtures: one kernel pool for the package's tests, which share a kernel where that keeps
them independent (a kernel start costs about half a second).

Kernel tests need bubblewrap and the kernel environment (`tests.sandbox` says which, and
skips or, in CI, fails them without).
"""

from __future__ import annotations

import secrets
from collections.abc import AsyncIterator

import pytest
import pytest_asyncio

from agentkit.code_interpreter import KernelLimits, KernelPool
from tests.sandbox import require_sandbox


@pytest.fixture(scope="session")
def kernels_available() -> None:
    require_sandbox()


TEST_LIMITS = KernelLimits(timeout=30, max_processes=32, message_bytes=16 * 2**20)
"""Smaller than the defaults where that makes a test faster, not different: a fork bomb
reaches 32 processes twice as fast as 64, and a 20 MB result is enough to pass 16 MiB."""


HOST_SECRET = f"sk-host-{secrets.token_hex(8)}"
"""An API key in this process's environment while the pool's kernels start."""


@pytest_asyncio.fixture(loop_scope="package", scope="package")
async def pool(kernels_available: None) -> AsyncIterator[KernelPool]:
    with pytest.MonkeyPatch.context() as patch:
        for name in ("OPENAI_API_KEY", "AZURE_OPENAI_API_KEY", "AGENTKIT_API_KEYS"):
            patch.setenv(name, HOST_SECRET)
        async with KernelPool(max_kernels=16, limits=TEST_LIMITS) as shared:
            yield shared


@pytest_asyncio.fixture(loop_scope="package", scope="package")
async def witness(pool: KernelPool) -> str:
    """A session with a running kernel, shared by tests whose code leaves nothing behind
    that another test looks at (each uses its own variable and file names)."""
    await still_works(pool, "witness")
    return "witness"


@pytest.fixture
def session(request: pytest.FixtureRequest) -> str:
    """A session id of the test's own."""
    return f"thread_{request.node.name}"


async def still_works(pool: KernelPool, session_id: str) -> None:
    """The session (and so the pool) runs code again, with a fresh kernel if it needs one."""
    result = await pool.execute(session_id, "print(6 * 7)")
    assert result.logs == "42\n", result
    assert result.failure is None
