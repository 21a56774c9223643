"""Deciding whether the sandbox has to end a kernel after an execution, and saying why."""

from __future__ import annotations

import signal

from agentkit.code_interpreter.kernel import RunEnd
from agentkit.code_interpreter.limits import KernelLimits
from agentkit.code_interpreter.output import OutputCollector
from agentkit.code_interpreter.results import FailureKind, KernelFailure

__all__ = ["classify"]

_RESTARTED = (
    "The kernel was restarted: variables from earlier calls are gone; files in /mnt/data are kept."
)
_OUT_OF_PROCESSES = ("Resource temporarily unavailable", "can't start new thread")


def classify(
    end: RunEnd,
    collector: OutputCollector,
    *,
    exit_status: int | None,
    processes: int,
    limits: KernelLimits,
    timeout: float,
) -> KernelFailure | None:
    """The failure that ends the kernel, or None when it may live on.

    Args:
        end: how waiting for the execution ended.
        collector: what the execution sent (its exception, if any).
        exit_status: the kernel process's exit status, when it has exited.
        processes: processes now running as the session's user (0 when not counted).
        limits: the limits in force.
        timeout: the wall-clock limit this execution had.
    """
    if end is RunEnd.TIMEOUT:
        return _failure(FailureKind.TIMEOUT, f"The code ran longer than its {timeout:g} s limit.")
    if end is RunEnd.DIED:
        return _failure(FailureKind.CRASH, _death(exit_status, limits))
    if end is RunEnd.LOST:
        size = limits.message_bytes / 2**20
        return _failure(
            FailureKind.OUTPUT,
            f"The kernel's output could not be received: one output was over {size:g} MiB, "
            "or the code broke the kernel's connection.",
        )
    if collector.error_name is None:
        return None
    if collector.error_name.endswith("MemoryError"):  # numpy raises _ArrayMemoryError
        memory = limits.memory_bytes / 2**30
        return _failure(FailureKind.MEMORY, f"The code ran out of memory (limit {memory:g} GiB).")
    value = collector.error_value
    if any(sign in value for sign in _OUT_OF_PROCESSES) or processes > limits.max_processes // 4:
        return _failure(
            FailureKind.PROCESSES,
            f"The code used up its limit of {limits.max_processes} processes and threads.",
        )
    return None


def _failure(kind: FailureKind, message: str) -> KernelFailure:
    return KernelFailure(kind=kind, message=f"{message} {_RESTARTED}")


def _death(exit_status: int | None, limits: KernelLimits) -> str:
    number = (exit_status or 0) - 128
    if number == signal.SIGXCPU:
        return f"The kernel used up its CPU-time limit ({limits.cpu_seconds} s) and was ended."
    if number == signal.SIGXFSZ:
        size = limits.file_size_bytes / 2**20
        return f"The code wrote a file over the {size:g} MiB size limit and the kernel was ended."
    if number in signal.valid_signals():
        return f"The kernel died ({signal.Signals(number).name})."
    return f"The kernel exited (status {exit_status})."
