"""Whether a run's events are read as they come, which decides whether its model calls stream.

A caller that only drains a run into its result (`collect`: every ``run()``, a non-streamed
``agentkit serve`` request) sees no piece of an answer before the whole; a streaming model
adapter left at ``stream="auto"`` then makes one plain request per model call, which costs
the client less than parsing a stream. Whoever reads the events (``iter_run``) gets them
streamed, as before.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

__all__ = ["drained", "take_liveness"]

_drained: ContextVar[bool] = ContextVar("agentkit_drained", default=False)


@contextmanager
def drained() -> Iterator[None]:
    """Runs started in this block are only drained into a result, not read as they come."""
    token = _drained.set(True)
    try:
        yield
    finally:
        _drained.reset(token)


def take_liveness() -> bool:
    """Whether the run starting now is read live; what it starts (tools' runs) is again.

    Called once by the runner starting the run, in the consumer's context, before it starts
    the run's task; that task and the tasks it starts copy the context after the reset.
    """
    live = not _drained.get()
    _drained.set(False)
    return live
