"""Turn what the openai SDK and httpx2 raise into one `ModelError` with a retry verdict.

Both adapters call `model_error_from` for every failure, so retry middleware only ever looks
at ``ModelError.retryable``, ``code`` and ``retry_after``::

    openai.APITimeoutError / httpx2.TimeoutException   -> "timeout"             retryable
    openai.APIConnectionError / httpx2.TransportError  -> "connection_error"    retryable
        ... raised after the stream started            -> "stream_interrupted"  retryable
    APIStatusError 408 / 409 / 429 / 5xx               -> by status             retryable
        429 with code "insufficient_quota"             -> "insufficient_quota"  not retryable
    APIStatusError 400 / 401 / 403 / 404 / 422 / ...   -> by status             not retryable
    APIResponseValidationError                         -> "invalid_response"    not retryable
"""

from __future__ import annotations

import email.utils
import time
from collections.abc import AsyncGenerator, AsyncIterable, Mapping
from typing import TypeVar

import httpx2
import openai

from agentkit.exceptions import ModelError

__all__ = [
    "mid_stream_errors",
    "model_error_from",
    "parse_retry_after",
    "response_error",
    "stream_interrupted",
]

T = TypeVar("T")

_STATUS_CODES: dict[int, str] = {
    400: "invalid_request_error",
    401: "authentication_error",
    403: "permission_denied",
    404: "not_found",
    408: "timeout",
    409: "conflict",
    413: "request_too_large",
    422: "unprocessable_entity",
    429: "rate_limit_exceeded",
}
_RETRYABLE_STATUSES = frozenset({408, 409, 429})
_RETRYABLE_CODES = frozenset({"server_error", "rate_limit_exceeded", "timeout", "overloaded"})
# A 429 with this code means the account is out of credit: waiting does not help.
_NOT_RETRYABLE_429_CODES = frozenset({"insufficient_quota"})


def parse_retry_after(headers: Mapping[str, str] | None) -> float | None:
    """Seconds to wait from ``retry-after-ms``, or ``retry-after`` (seconds or an HTTP date)."""
    if not headers:
        return None
    for name, divisor in (("retry-after-ms", 1000.0), ("retry-after", 1.0)):
        value = headers.get(name)
        if value is None:
            continue
        try:
            return max(0.0, float(value) / divisor)
        except ValueError:
            continue
    date = headers.get("retry-after")
    parsed = email.utils.parsedate_tz(date) if date else None
    if parsed is None:
        return None
    return max(0.0, email.utils.mktime_tz(parsed) - time.time())


def stream_interrupted(detail: str) -> ModelError:
    """The error for a stream that ended before the response was complete."""
    return ModelError(
        f"The model stream was interrupted: {detail}", code="stream_interrupted", retryable=True
    )


def response_error(code: str | None, message: str | None) -> ModelError:
    """The error for a failure the API reported inside a response or stream."""
    code = code or "server_error"
    text = message or "The model API reported an error."
    return ModelError(text, code=code, retryable=code in _RETRYABLE_CODES)


def model_error_from(exc: BaseException, *, mid_stream: bool = False) -> ModelError:
    """Map an exception from the openai SDK or httpx2 to a `ModelError`.

    Args:
        exc: what the SDK or the transport raised.
        mid_stream: the response had started streaming, so a broken connection is reported as
            ``stream_interrupted``.
    """
    if isinstance(exc, ModelError):
        return exc
    if isinstance(exc, openai.APITimeoutError | httpx2.TimeoutException):
        return ModelError(f"The model API timed out: {exc}", code="timeout", retryable=True)
    if isinstance(exc, openai.APIConnectionError | httpx2.TransportError):
        if mid_stream:
            return stream_interrupted(_describe(exc))
        return ModelError(
            f"Could not reach the model API: {_describe(exc)}",
            code="connection_error",
            retryable=True,
        )
    if isinstance(exc, openai.APIStatusError):
        return _from_status(exc)
    if isinstance(exc, openai.APIResponseValidationError):
        return ModelError(
            f"The model API sent a response agentkit could not read: {exc.message}",
            code="invalid_response",
            status_code=exc.status_code,
        )
    if isinstance(exc, openai.APIError):
        # An error object inside an SSE stream: the SDK raises a bare APIError.
        return response_error(exc.code, exc.message)
    return ModelError(f"The model call failed: {exc!r}", code="unexpected_error")


async def mid_stream_errors(stream: AsyncIterable[T]) -> AsyncGenerator[T, None]:
    """The items of an SDK stream; a failure while reading it becomes a mid-stream `ModelError`."""
    items = aiter(stream)
    while True:
        try:
            item = await anext(items)
        except StopAsyncIteration:
            return
        except Exception as exc:
            raise model_error_from(exc, mid_stream=True) from exc
        yield item


def _from_status(exc: openai.APIStatusError) -> ModelError:
    status = exc.status_code
    api_code = exc.code
    code = _STATUS_CODES.get(status, "server_error" if status >= 500 else "api_error")
    retryable = status in _RETRYABLE_STATUSES or status >= 500
    if status == 429 and api_code in _NOT_RETRYABLE_429_CODES:
        code, retryable = api_code, False
    message = f"The model API answered {status}: {exc.message}"
    return ModelError(
        message,
        code=code,
        status_code=status,
        retryable=retryable,
        retry_after=parse_retry_after(exc.response.headers) if retryable else None,
    )


def _describe(exc: BaseException) -> str:
    # The SDK's connection errors say only "Connection error."; the cause says what broke.
    cause = exc.__cause__
    if cause is not None:
        return f"{exc} ({type(cause).__name__}: {cause})"
    return f"{type(exc).__name__}: {exc}"
