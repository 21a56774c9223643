"""OpenAI-shaped errors: ``{"error": {"message", "type", "param", "code"}}`` with a status code.

Routes raise `APIError`; the handlers installed by `create_app` turn it, Starlette's own HTTP
errors and the engine's errors into that shape. Nothing a client sends may produce a 500: any
other exception is caught by `UnexpectedErrorMiddleware`, logged once with a plain traceback
(no local variables: they would hold the request's key and the server's configuration) and
answered with a generic ``server_error``.
"""

from __future__ import annotations

from typing import Any

import structlog
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from agentkit.exceptions import (
    ActiveRunError,
    AgentkitError,
    ApprovalsMismatchError,
    InvalidRunStateError,
    NotFoundError,
    ToolOutputsMismatchError,
    UserError,
)
from agentkit.server.logs import log_failure

__all__ = [
    "APIError",
    "UnexpectedErrorMiddleware",
    "error_response",
    "exception_handlers",
    "not_found",
]

_log = structlog.get_logger("agentkit.server")

_TYPES = {
    400: "invalid_request_error",
    401: "invalid_request_error",
    404: "invalid_request_error",
    405: "invalid_request_error",
    408: "invalid_request_error",
    409: "invalid_request_error",
    413: "invalid_request_error",
    415: "invalid_request_error",
    500: "server_error",
}


class APIError(Exception):
    """An error answered to the client in OpenAI's shape.

    Args:
        status: the HTTP status code.
        message: what went wrong, for a human.
        param: the request parameter at fault, if one is.
        code: a machine-readable code (``invalid_api_key``, ``unknown_parameter``...).
        headers: extra response headers (``connection: close`` after an unread body).
    """

    def __init__(
        self,
        status: int,
        message: str,
        *,
        param: str | None = None,
        code: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.param = param
        self.code = code
        self.headers = headers


def not_found(kind: str, object_id: str) -> APIError:
    """The 404 OpenAI answers for an unknown (or another project's) id."""
    return APIError(404, f"No {kind} found with id '{object_id}'.")


def error_response(
    status: int,
    message: str,
    *,
    param: str | None = None,
    code: str | None = None,
    headers: dict[str, str] | None = None,
) -> JSONResponse:
    """The JSON response for an error."""
    body: dict[str, Any] = {
        "error": {
            "message": message,
            "type": _TYPES.get(status, "invalid_request_error"),
            "param": param,
            "code": code,
        }
    }
    return JSONResponse(body, status_code=status, headers=headers)


async def _api_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, APIError)
    return error_response(
        exc.status, exc.message, param=exc.param, code=exc.code, headers=exc.headers
    )


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    if exc.status_code == 404:
        message = f"Invalid URL ({request.method} {request.url.path})"
        return error_response(404, message, code="unknown_url")
    if exc.status_code == 405:
        message = f"Method {request.method} is not allowed for {request.url.path}."
        return error_response(405, message, code="method_not_allowed")
    return error_response(exc.status_code, str(exc.detail))


async def _engine_error(request: Request, exc: Exception) -> Response:
    if isinstance(exc, NotFoundError):
        return error_response(404, str(exc))
    if isinstance(
        exc,
        ActiveRunError | InvalidRunStateError | ToolOutputsMismatchError | ApprovalsMismatchError,
    ):
        return error_response(400, str(exc))
    if isinstance(exc, UserError):
        return error_response(400, str(exc))
    return await _unexpected(request, exc)


async def _unexpected(request: Request, exc: Exception) -> Response:
    log_failure(_log, "request failed", exc, path=request.url.path)
    return _server_error()


def _server_error() -> JSONResponse:
    return error_response(500, "The server had an error while processing your request.")


def exception_handlers() -> dict[Any, Any]:
    """The handlers `create_app` installs (unexpected errors: `UnexpectedErrorMiddleware`)."""
    return {
        APIError: _api_error,
        HTTPException: _http_error,
        AgentkitError: _engine_error,
    }


class UnexpectedErrorMiddleware:
    """Answers any exception a route lets through with a JSON 500, logged once, safely.

    Installed as the outermost middleware of the app: Starlette's own error middleware would
    answer too, but then re-raise, and the ASGI server would log the traceback a second time.
    When the response had already started (a stream), the error is logged and the response
    ends where it was.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def watch(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, receive, watch)
        except Exception as exc:
            log_failure(_log, "request failed", exc, path=scope.get("path", ""))
            if not started:
                await _server_error()(scope, receive, send)
