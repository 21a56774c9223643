"""The limits a kernel runs under, enforced by the sandbox (rlimits) and by the host."""

from __future__ import annotations

from dataclasses import dataclass, fields

from agentkit.exceptions import UserError

__all__ = ["KernelLimits"]

_MiB = 1024 * 1024


@dataclass(frozen=True)
class KernelLimits:
    """Per-kernel limits. The defaults suit pandas and matplotlib work on a small server.

    Attributes:
        timeout: wall-clock seconds one execution may take; then the kernel is ended.
        memory_bytes: address-space limit (``RLIMIT_AS``); numpy, pandas and matplotlib
            together map about 1 GiB, so keep this above ~1.5 GiB.
        max_processes: processes plus threads the session's user may have (``RLIMIT_NPROC``);
            a kernel needs about 15.
        cpu_seconds: CPU time over the kernel's whole life (``RLIMIT_CPU``); past it the
            kernel is killed and the session's next call starts a fresh one.
        file_size_bytes: largest file the code may write (``RLIMIT_FSIZE``).
        open_files: open file descriptors (``RLIMIT_NOFILE``).
        tmp_bytes: size of the kernel's private ``/tmp`` (a tmpfs, so it is memory).
        output_chars: characters of logs kept per execution (head and tail, marked cut).
        message_bytes: largest single kernel message the host accepts; bigger ones are
            dropped before they are read into memory.
        max_images: images kept per execution.
        max_files: entries of ``/mnt/data`` examined per execution for new or changed files.
        threads: threads numeric libraries (BLAS, OpenMP) may start.
    """

    timeout: float = 60.0
    memory_bytes: int = 2048 * _MiB
    max_processes: int = 64
    cpu_seconds: int = 600
    file_size_bytes: int = 256 * _MiB
    open_files: int = 1024
    tmp_bytes: int = 256 * _MiB
    output_chars: int = 32_000
    message_bytes: int = 64 * _MiB
    max_images: int = 16
    max_files: int = 1000
    threads: int = 2

    def __post_init__(self) -> None:
        for field in fields(self):
            value = getattr(self, field.name)
            if isinstance(value, bool) or not isinstance(value, int | float) or value <= 0:
                raise UserError(
                    f"KernelLimits.{field.name} must be a positive number, got {value!r}"
                )
        if self.max_processes < 16:
            raise UserError(
                f"KernelLimits.max_processes must be at least 16 (a kernel needs about 15 "
                f"threads), got {self.max_processes}"
            )
        if self.output_chars < 200:
            raise UserError(
                f"KernelLimits.output_chars must be at least 200, got {self.output_chars}"
            )
