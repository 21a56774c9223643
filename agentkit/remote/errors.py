"""Errors from the service before a run exists, as the errors a local run start raises."""

from __future__ import annotations

import httpx2
import openai

from agentkit.exceptions import ActiveRunError, AgentkitError, ModelError, NotFoundError
from agentkit.models.errors import model_error_from

__all__ = ["SERVICE_ERRORS", "start_error"]

SERVICE_ERRORS = (openai.APIError, httpx2.HTTPError, ModelError)
"""What a call to the service may raise."""


def start_error(exc: BaseException) -> AgentkitError:
    """The agentkit error for a failed call made before the run started.

    ``404`` is `NotFoundError` and a refusal because of the thread's active run is
    `ActiveRunError`, as with a local `Runner`; anything else is a `ModelError`.
    """
    if isinstance(exc, AgentkitError):
        return exc
    if isinstance(exc, openai.NotFoundError):
        return NotFoundError(f"The service has no such object: {exc.message}")
    if isinstance(exc, openai.APIStatusError) and exc.status_code in (400, 409):
        text = exc.message.lower()
        if "active" in text and "run" in text:
            return ActiveRunError(f"The thread already has an active run: {exc.message}")
    return model_error_from(exc)
