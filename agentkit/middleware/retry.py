"""Retry model calls that failed for a transient reason, with tenacity policies.

What is retried is decided by the adapters, which raise `ModelError` with ``retryable`` set
for rate limits (429), server errors (5xx), timeouts, dropped connections and streams cut
mid-way, and ``retryable`` unset for client errors (400/401/403/404/422), which would fail
again. When and how often is tenacity's: pass its ``stop`` and ``wait`` objects. A
``Retry-After`` the server sent (`ModelError.retry_after`) replaces the computed wait, capped
at ``max_retry_after``.

An attempt streams its text from the start, so a `TextReplayFilter` sits between each
attempt and the user: text already shown is not shown again.

The openai client can retry on its own too (``max_retries``, 2 by default). agentkit's
adapters send every request with the SDK's retries off, so retries happen here only, once,
visible as `RetryEvent`s; a `Runner` installs a `RetryMiddleware()` by default.
"""

from __future__ import annotations

import contextvars
import logging
import sys
from collections.abc import Awaitable, Callable
from dataclasses import replace
from typing import Any, TypeVar

from tenacity import (
    AsyncRetrying,
    RetryCallState,
    retry_if_exception,
    stop_after_attempt,
    stop_before_delay,
    wait_exponential_jitter,
)
from tenacity.stop import stop_base
from tenacity.wait import wait_base

from agentkit.calls import ModelCall, ModelHandler, ModelResponse
from agentkit.context import RunContext
from agentkit.events import RetryEvent
from agentkit.exceptions import ModelError
from agentkit.middleware.base import Middleware
from agentkit.middleware.replay import TextReplayFilter

__all__ = [
    "RetryMiddleware",
    "current_attempt",
    "default_model_stop",
    "default_model_wait",
    "retry_with_events",
    "wait_retry_after",
]

_stdlib_log = logging.getLogger("agentkit.retry")


def _warn(message: str, **fields: Any) -> None:
    # RetryMiddleware is on by default, so it must print nothing in applications that never
    # set logging up: without a structlog configuration, use stdlib logging, which is silent
    # until the application configures it (agentkit's logger has a NullHandler). The line
    # reads as ``retrying: target=model attempt=1 ...``; handlers get the fields as
    # ``record.agentkit``.
    # structlog is only looked up, not imported: an application that configured it has
    # imported it, and importing it with agentkit would slow every program's start.
    structlog = sys.modules.get("structlog")
    if structlog is not None and structlog.is_configured():
        structlog.get_logger("agentkit.retry").warning(message, **fields)
    else:
        pairs = " ".join(f"{key}={value!r}" for key, value in fields.items())
        _stdlib_log.warning("%s: %s", message, pairs, extra={"agentkit": fields})


_attempt: contextvars.ContextVar[int] = contextvars.ContextVar("agentkit_attempt", default=1)
T = TypeVar("T")


def current_attempt() -> int:
    """The 1-based attempt of the call being made (1 outside a retry middleware).

    Middleware placed after (inside) a retry middleware read it to tag each attempt.
    """
    return _attempt.get()


class wait_retry_after(wait_base):  # noqa: N801 - named like tenacity's own wait objects
    """Wait what the server asked for (``Retry-After``), else what ``fallback`` says.

    Args:
        fallback: the wait when the error carries no ``retry_after``.
        max_wait: the longest wait honoured; a longer ``Retry-After`` is cut to it.
    """

    def __init__(self, fallback: wait_base, max_wait: float = 60.0) -> None:
        self.fallback = fallback
        self.max_wait = max_wait

    def __call__(self, retry_state: RetryCallState) -> float:
        outcome = retry_state.outcome
        error = outcome.exception() if outcome is not None else None
        if isinstance(error, ModelError) and error.retry_after is not None:
            return min(error.retry_after, self.max_wait)
        return min(self.fallback(retry_state), self.max_wait)


def default_model_stop() -> stop_base:
    """At most 4 attempts, and no wait that would end after 60 seconds of trying."""
    return stop_after_attempt(4) | stop_before_delay(60)


def default_model_wait() -> wait_base:
    """Exponential backoff from 0.5 s with up to 1 s of jitter, at most 20 s per wait."""
    return wait_exponential_jitter(multiplier=0.5, max=20, jitter=1)


def _is_retryable(error: BaseException) -> bool:
    return isinstance(error, ModelError) and error.retryable


async def retry_with_events(
    attempt: Callable[[int], Awaitable[T]],
    *,
    ctx: RunContext[Any],
    target: str,
    stop: stop_base,
    wait: wait_base,
    retry_on: Callable[[BaseException], bool],
    sleep: Callable[[float], Awaitable[None]] | None = None,
) -> T:
    """Call ``attempt(n)`` until it succeeds, emitting a `RetryEvent` and a log line per retry.

    The last error is re-raised unchanged when ``stop`` ends the retries or ``retry_on``
    says the error is not worth another attempt.
    """
    # The common case costs one call: tenacity only steps in after a retryable failure.
    token = _attempt.set(1)
    try:
        return await attempt(1)
    except BaseException as exc:
        if not retry_on(exc):
            raise
        first_error = exc
    finally:
        _attempt.reset(token)

    options: dict[str, Any] = {"sleep": sleep} if sleep is not None else {}
    retrying = AsyncRetrying(
        stop=stop,
        wait=wait,
        retry=retry_if_exception(retry_on),
        before_sleep=_announcer(ctx, target),
        reraise=True,
        **options,
    )
    async for state in retrying:
        with state:
            number = state.retry_state.attempt_number
            if number == 1:
                raise first_error  # the failure already seen, so stop and wait count it
            token = _attempt.set(number)
            try:
                return await attempt(number)
            finally:
                _attempt.reset(token)
    raise AssertionError("unreachable: tenacity re-raises the last error")  # pragma: no cover


def _announcer(ctx: RunContext[Any], target: str) -> Callable[[RetryCallState], None]:
    """Tenacity's ``before_sleep``: a `RetryEvent` and a log line per retry."""

    def before_sleep(state: RetryCallState) -> None:
        assert state.outcome is not None and state.next_action is not None
        error = state.outcome.exception()
        delay = state.next_action.sleep
        ctx.emit(RetryEvent(target, state.attempt_number, delay, _describe(error)))
        _warn(
            "retrying",
            target=target,
            attempt=state.attempt_number,
            delay=round(delay, 3),
            error=_describe(error),
            error_code=getattr(error, "code", None),
            status_code=getattr(error, "status_code", None),
        )

    return before_sleep


def _describe(error: BaseException | None) -> str:
    if error is None:
        return ""
    return f"{type(error).__name__}: {error}"


class RetryMiddleware(Middleware):
    """Retries model calls that failed with a retryable `ModelError`.

    Args:
        stop: when to give up (tenacity), default `default_model_stop`:
            ``stop_after_attempt(4) | stop_before_delay(60)``.
        wait: the wait between attempts when the server sent no ``Retry-After`` (tenacity),
            default `default_model_wait`: exponential backoff with jitter.
        max_retry_after: the longest ``Retry-After`` honoured, in seconds.
        retry_on: decides which errors are retried (default: ``ModelError.retryable``).
        sleep: the coroutine that waits (tests may pass a fake one).

    Example:
        ```python
        from tenacity import stop_after_attempt, stop_after_delay, wait_fixed

        retry = RetryMiddleware(stop=stop_after_attempt(3) | stop_after_delay(30),
                                wait=wait_fixed(1))
        ```
    """

    def __init__(
        self,
        *,
        stop: stop_base | None = None,
        wait: wait_base | None = None,
        max_retry_after: float = 60.0,
        retry_on: Callable[[BaseException], bool] = _is_retryable,
        sleep: Callable[[float], Awaitable[None]] | None = None,
    ) -> None:
        self.stop = stop if stop is not None else default_model_stop()
        self.wait = wait_retry_after(
            wait if wait is not None else default_model_wait(), max_wait=max_retry_after
        )
        self.retry_on = retry_on
        self.sleep = sleep

    async def wrap_model_call(
        self, ctx: RunContext[Any], call: ModelCall, next: ModelHandler
    ) -> ModelResponse:
        replay = TextReplayFilter(call.on_text)

        async def attempt(number: int) -> ModelResponse:
            return await next(replace(call, on_text=replay.attempt()))

        response = await retry_with_events(
            attempt,
            ctx=ctx,
            target="model",
            stop=self.stop,
            wait=self.wait,
            retry_on=self.retry_on,
            sleep=self.sleep,
        )
        if replay.diverged:
            _warn(
                "retried answer differs from the text already streamed; "
                "the stored message holds the retried answer",
                run_id=ctx.run_id,
                shown_chars=len(replay.shown),
            )
        return response
