"""The code interpreter: sandboxed Jupyter kernels, one per session (thread).

`KernelPool` runs Python in a real IPython kernel (ipykernel, driven by jupyter_client) for
each session, so variables persist between calls, inside a sandbox (bubblewrap by default) with
no network, a read-only system, and a private ``/mnt/data`` holding only that session's files.
Each call returns an `ExecutionResult`: bounded logs, images (displayed figures and PNGs
written to ``/mnt/data``), other files written there, and a `KernelFailure` when the sandbox
ended the kernel (timeout, memory, process limit, crash).

`CodeInterpreter` is the ``code_interpreter`` tool over a pool, for any `Agent` and behind
``{"type": "code_interpreter"}`` in ``agentkit serve``.

Needs the ``code-interpreter`` extra on the host, bubblewrap, and a kernel environment built
by ``python -m agentkit.code_interpreter.provision``.
"""

from agentkit.code_interpreter.bubblewrap import BubblewrapSandbox
from agentkit.code_interpreter.environment import KernelEnvironment
from agentkit.code_interpreter.errors import (
    CodeInterpreterError,
    KernelEnvironmentError,
    KernelStartError,
    PoolExhaustedError,
    SandboxUnavailableError,
)
from agentkit.code_interpreter.limits import KernelLimits
from agentkit.code_interpreter.pool import InputFile, KernelPool
from agentkit.code_interpreter.results import (
    ExecutionResult,
    FailureKind,
    Image,
    KernelFailure,
    OutputFile,
)
from agentkit.code_interpreter.sandbox import KernelPaths, LaunchSpec, NoSandbox, SandboxBackend
from agentkit.code_interpreter.tool import CodeInterpreter

__all__ = [
    "BubblewrapSandbox",
    "CodeInterpreter",
    "CodeInterpreterError",
    "ExecutionResult",
    "FailureKind",
    "Image",
    "InputFile",
    "KernelEnvironment",
    "KernelEnvironmentError",
    "KernelFailure",
    "KernelLimits",
    "KernelPaths",
    "KernelPool",
    "KernelStartError",
    "LaunchSpec",
    "NoSandbox",
    "OutputFile",
    "PoolExhaustedError",
    "SandboxBackend",
    "SandboxUnavailableError",
]
