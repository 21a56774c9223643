"""What one execution returns: logs, images, files, and a failure when the sandbox stepped in."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from pathlib import Path

from agentkit.code_interpreter.files import read_beneath

__all__ = ["ExecutionResult", "FailureKind", "Image", "KernelFailure", "OutputFile"]


class FailureKind(enum.StrEnum):
    """Why the sandbox ended a kernel (the session's next call starts a fresh one)."""

    TIMEOUT = "timeout"
    """The code ran past its wall-clock limit."""
    MEMORY = "memory"
    """The code ran out of its address-space limit (``MemoryError``)."""
    PROCESSES = "processes"
    """The code used up its process/thread limit (a fork bomb, or too many threads)."""
    OUTPUT = "output"
    """One output (a result, an image) was over the message size limit, or the code broke the
    kernel's connection to the host."""
    CRASH = "crash"
    """The kernel process died (a signal, a CPU-time limit, a file-size limit, ``os._exit``)."""


@dataclass(frozen=True)
class KernelFailure:
    """The sandbox ended the kernel; its variables are gone, its ``/mnt/data`` files are not.

    Attributes:
        kind: why.
        message: one sentence for the model and the logs, naming the limit that was hit.
    """

    kind: FailureKind
    message: str


@dataclass(frozen=True)
class Image:
    """A PNG the code displayed (a figure) or wrote to ``/mnt/data``.

    Attributes:
        png: the image's bytes.
        name: the file's name under ``/mnt/data`` for a written file, None for a displayed one.
    """

    png: bytes
    name: str | None = None


@dataclass(frozen=True)
class OutputFile:
    """A file (not a PNG) that the code created or changed under ``/mnt/data``.

    It stays in the session's data directory; read it with `read_bytes` before the session
    ends. (Do not open ``host_path`` yourself: the code may have made a component of it a
    symlink, which the host would follow.)

    Attributes:
        name: its path relative to ``/mnt/data`` (``report.csv``, ``out/table.csv``).
        size: its size in bytes when the execution ended.
        data_dir: the session's data directory on the host.
    """

    name: str
    size: int
    data_dir: Path

    @property
    def sandbox_path(self) -> str:
        """The path the code used, e.g. ``/mnt/data/report.csv``."""
        return f"/mnt/data/{self.name}"

    @property
    def host_path(self) -> Path:
        """Where the file is on the host (for messages; read it with `read_bytes`)."""
        return self.data_dir / self.name

    def read_bytes(self, limit: int | None = None) -> bytes:
        """The file's content (at most ``limit`` bytes), never following a symlink.

        Raises:
            OSError: it is gone, or is no longer a regular file.
        """
        return read_beneath(self.data_dir, self.name, self.size if limit is None else limit)


@dataclass(frozen=True)
class ExecutionResult:
    """The outcome of running one piece of code in a session's kernel.

    Attributes:
        logs: stdout, stderr, results and tracebacks in the order the kernel sent them, plain
            text, bounded (a ``[... N characters truncated ...]`` marker shows where).
        images: displayed figures and PNG files written to ``/mnt/data``, in that order.
        files: other files created or modified under ``/mnt/data``.
        error_name: the exception's class name when the code raised (the traceback is in
            ``logs``; the kernel lives on), else None.
        failure: set when the sandbox ended the kernel (timeout, memory, processes, output,
            crash).
        new_kernel: this call started a fresh kernel (first call, or after a failure or eviction),
            so variables from earlier calls are not defined.
        duration: host wall-clock seconds for the call, kernel start included.
        kernel_seconds: the kernel's own time from busy to idle, when it reported both.
    """

    logs: str
    images: tuple[Image, ...] = ()
    files: tuple[OutputFile, ...] = ()
    error_name: str | None = None
    failure: KernelFailure | None = None
    new_kernel: bool = False
    duration: float = 0.0
    kernel_seconds: float | None = None

    @property
    def ok(self) -> bool:
        """The code ran to its end without raising and without the sandbox stepping in."""
        return self.error_name is None and self.failure is None
