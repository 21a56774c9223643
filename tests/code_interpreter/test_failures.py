"""When the sandbox ends a kernel, and what it says."""

from __future__ import annotations

import signal

import pytest

from agentkit.code_interpreter import FailureKind, KernelLimits
from agentkit.code_interpreter.failures import classify
from agentkit.code_interpreter.kernel import RunEnd
from agentkit.code_interpreter.output import OutputCollector

LIMITS = KernelLimits()


def raised(name: str, value: str = "") -> OutputCollector:
    collector = OutputCollector(output_chars=1000, max_images=1)
    collector.add({"msg_type": "error", "header": {}, "content": {"ename": name, "evalue": value}})
    return collector


def outcome(
    end: RunEnd, collector: OutputCollector, exit_status: int | None = None, processes: int = 0
) -> tuple[FailureKind, str] | None:
    failure = classify(
        end, collector, exit_status=exit_status, processes=processes, limits=LIMITS, timeout=7
    )
    return None if failure is None else (failure.kind, failure.message.split(". ")[0])


def test_code_that_raises_keeps_its_kernel() -> None:
    assert outcome(RunEnd.DONE, raised("ValueError", "bad")) is None
    assert outcome(RunEnd.DONE, OutputCollector(output_chars=1000, max_images=1)) is None


OUT_OF_PROCESSES = (FailureKind.PROCESSES, "The code used up its limit of 64 processes and threads")
OUT_OF_MEMORY = (FailureKind.MEMORY, "The code ran out of memory (limit 2 GiB)")
CPU = "The kernel used up its CPU-time limit (600 s) and was ended"
FILE_SIZE = "The code wrote a file over the 256 MiB size limit and the kernel was ended"


@pytest.mark.parametrize(
    ("end", "collector", "exit_status", "processes", "expected"),
    [
        (
            RunEnd.TIMEOUT,
            raised("X"),
            None,
            0,
            (FailureKind.TIMEOUT, "The code ran longer than its 7 s limit"),
        ),
        (RunEnd.DONE, raised("MemoryError"), None, 0, OUT_OF_MEMORY),
        (RunEnd.DONE, raised("_ArrayMemoryError"), None, 0, OUT_OF_MEMORY),
        (
            RunEnd.DONE,
            raised("BlockingIOError", "[Errno 11] Resource temporarily unavailable"),
            None,
            0,
            OUT_OF_PROCESSES,
        ),
        (RunEnd.DONE, raised("RuntimeError", "can't start new thread"), None, 0, OUT_OF_PROCESSES),
        (RunEnd.DONE, raised("OSError"), None, 40, OUT_OF_PROCESSES),
        (
            RunEnd.LOST,
            raised("X"),
            None,
            0,
            (
                FailureKind.OUTPUT,
                "The kernel's output could not be received: one output was over 64 MiB, "
                "or the code broke the kernel's connection",
            ),
        ),
        (RunEnd.DIED, raised("X"), 128 + signal.SIGXCPU, 0, (FailureKind.CRASH, CPU)),
        (RunEnd.DIED, raised("X"), 128 + signal.SIGXFSZ, 0, (FailureKind.CRASH, FILE_SIZE)),
        (
            RunEnd.DIED,
            raised("X"),
            128 + signal.SIGKILL,
            0,
            (FailureKind.CRASH, "The kernel died (SIGKILL)"),
        ),
        (RunEnd.DIED, raised("X"), 3, 0, (FailureKind.CRASH, "The kernel exited (status 3)")),
    ],
)
def test_failures_name_the_limit(
    end: RunEnd,
    collector: OutputCollector,
    exit_status: int | None,
    processes: int,
    expected: tuple[FailureKind, str],
) -> None:
    assert outcome(end, collector, exit_status, processes) == expected


def test_every_failure_says_the_kernel_was_restarted() -> None:
    failure = classify(
        RunEnd.TIMEOUT, raised("X"), exit_status=None, processes=0, limits=LIMITS, timeout=1
    )

    assert failure is not None
    assert failure.message.endswith(
        "The kernel was restarted: variables from earlier calls are gone; "
        "files in /mnt/data are kept."
    )
