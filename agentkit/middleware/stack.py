"""The one place a run's middleware stack is assembled, for local and remote runs alike.

Outermost first, a run's stack is::

    default model retries   RetryMiddleware(), unless a level brings its own (see below)
    the runner's middleware Runner(middleware=[...])
    the agent's middleware  Agent(middleware=[...])
    the run's middleware    agent.run(..., middleware=[...])
    tool retry policies     ToolRetryMiddleware(), unless a level brings its own

The two built-in layers are defaults, not additions: a `RetryMiddleware` (or
`ToolRetryMiddleware`) given at any level replaces the default one, so retries never
multiply. A runner given an explicit middleware list (``[]`` included) has no default model
retries. Tool choice is not a layer: the engine resolves it while building each request, so
every layer sees the value that will be sent.
"""

from __future__ import annotations

import functools
import warnings
from collections.abc import Sequence
from typing import TYPE_CHECKING, NamedTuple

from agentkit.middleware.base import Middleware, overrides

if TYPE_CHECKING:
    from agentkit.middleware.retry import RetryMiddleware
    from agentkit.middleware.tool_retry import ToolRetryMiddleware

__all__ = ["RemoteMiddlewareWarning", "middleware_stack", "warn_stages_remote_runs_skip"]


class _DefaultRetries(NamedTuple):
    model: RetryMiddleware
    tool: ToolRetryMiddleware


@functools.cache
def _default_retries() -> _DefaultRetries:
    # The retry layers import tenacity (which imports tornado when it is installed): load
    # them when the first run builds its stack, not with `import agentkit`. Both keep no
    # per-run state, so one instance serves every run.
    from agentkit.middleware.retry import RetryMiddleware
    from agentkit.middleware.tool_retry import ToolRetryMiddleware

    return _DefaultRetries(RetryMiddleware(), ToolRetryMiddleware())


class RemoteMiddlewareWarning(UserWarning):
    """A middleware stage that cannot apply to a run a remote service drives."""


def middleware_stack(
    runner: Sequence[Middleware],
    agent: Sequence[Middleware],
    run: Sequence[Middleware] = (),
    *,
    default_retries: bool = True,
) -> tuple[Middleware, ...]:
    """A run's middleware, outermost first (see the module docstring for the order).

    Args:
        runner: the runner's middleware.
        agent: the agent's middleware.
        run: this run's middleware.
        default_retries: whether the runner retries model calls by default (it does unless it
            was given its own middleware list).
    """
    given = (*runner, *agent, *run)
    defaults = _default_retries()
    outer: tuple[Middleware, ...] = ()
    if default_retries and not _brings(given, type(defaults.model)):
        outer = (defaults.model,)
    inner: tuple[Middleware, ...] = ()
    if not _brings(given, type(defaults.tool)):
        inner = (defaults.tool,)
    return (*outer, *given, *inner)


def warn_stages_remote_runs_skip(stack: Sequence[Middleware]) -> None:
    """Warn about each ``wrap_run``/``wrap_model_call`` in ``stack``: a remote run skips them.

    The service drives the run and calls the model itself; only ``wrap_tool_call`` applies.
    """
    for layer in stack:
        for stage in ("wrap_run", "wrap_model_call"):
            if overrides(layer, stage):
                warnings.warn(
                    f"{type(layer).__name__}.{stage} does not apply to remote runs: the service "
                    "drives the run and calls the model (only wrap_tool_call applies)",
                    RemoteMiddlewareWarning,
                    stacklevel=3,
                )


def _brings(layers: Sequence[Middleware], kind: type[Middleware]) -> bool:
    return any(isinstance(layer, kind) for layer in layers)
