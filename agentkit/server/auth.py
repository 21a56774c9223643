"""API-key authentication: every request names a key, and the key decides the project."""

from __future__ import annotations

import hmac
from collections.abc import Mapping

from starlette.datastructures import Headers
from starlette.types import ASGIApp, Receive, Scope, Send

from agentkit.server.errors import error_response

__all__ = ["AuthMiddleware", "project_for_key"]


def project_for_key(keys: Mapping[str, str], presented: str) -> str | None:
    """The project of ``presented``, or None; compares against every key in constant time.

    Every configured key is compared (no early exit), so the time taken does not tell which
    key, or which prefix of one, matched.
    """
    given = presented.encode("utf-8", "surrogateescape")
    found: str | None = None
    for key, project in keys.items():
        if hmac.compare_digest(key.encode("utf-8"), given):
            found = project
    return found


class AuthMiddleware:
    """Answers 401 without a valid ``Authorization: Bearer <key>``; else records the project.

    Azure clients' ``api-key: <key>`` header is accepted too.

    The project is put in ``scope["state"]["project"]`` (``request.state.project``).
    """

    def __init__(self, app: ASGIApp, keys: Mapping[str, str]) -> None:
        self.app = app
        self.keys = dict(keys)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        scheme, _, token = headers.get("authorization", "").partition(" ")
        if scheme.lower() != "bearer":
            token = ""
        token = token.strip() or headers.get("api-key", "").strip()
        if not token:
            message = (
                "You didn't provide an API key. You need to provide your API key in an "
                "Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY)."
            )
            await error_response(401, message, code="missing_api_key")(scope, receive, send)
            return
        project = project_for_key(self.keys, token)
        if project is None:
            message = "Incorrect API key provided."
            await error_response(401, message, code="invalid_api_key")(scope, receive, send)
            return
        scope.setdefault("state", {})["project"] = project
        await self.app(scope, receive, send)
