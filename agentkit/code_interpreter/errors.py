"""Errors the code interpreter raises to its caller (never to the code it runs).

The tree, under agentkit's root::

    AgentkitError
    └── CodeInterpreterError          root of everything below
        ├── SandboxUnavailableError   no sandbox can run here; the message names what to install
        ├── KernelEnvironmentError    the kernel's Python is missing or unreadable by the sandbox
        ├── KernelStartError          a kernel did not come up (the message carries its last words)
        └── PoolExhaustedError        every kernel slot (or sandbox uid) is busy right now

Failures of the code itself (timeouts, memory, crashes) are not raised: they come back in
`ExecutionResult.failure`, because the caller (and the model) should see them and go on.
"""

from __future__ import annotations

from agentkit.exceptions import AgentkitError

__all__ = [
    "CodeInterpreterError",
    "KernelEnvironmentError",
    "KernelStartError",
    "PoolExhaustedError",
    "SandboxUnavailableError",
]


class CodeInterpreterError(AgentkitError):
    """Root of the code interpreter's errors."""


class SandboxUnavailableError(CodeInterpreterError):
    """No sandbox can run on this machine; the message says what to install or allow."""


class KernelEnvironmentError(CodeInterpreterError):
    """The kernel's Python environment is missing, incomplete, or unreadable by the sandbox."""


class KernelStartError(CodeInterpreterError):
    """A kernel process exited or stayed silent before it answered ``kernel_info``."""


class PoolExhaustedError(CodeInterpreterError):
    """All kernels are busy (none idle to end), or no sandbox user id is free."""
