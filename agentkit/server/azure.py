"""Azure OpenAI's URL layout, so `AzureOpenAI(azure_endpoint=...)` clients work unchanged.

Azure clients call ``{endpoint}/openai/assistants?api-version=...`` with an ``api-key`` header
instead of ``{base_url}/assistants`` with ``Authorization: Bearer``. This middleware serves
``/openai/...`` as ``/v1/...`` (the ``api-version`` query is ignored); `AuthMiddleware` accepts
the ``api-key`` header.
"""

from __future__ import annotations

from starlette.types import ASGIApp, Receive, Scope, Send

__all__ = ["AzurePathMiddleware"]


class AzurePathMiddleware:
    """Rewrites ``/openai/<path>`` to ``/v1/<path>``."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "")
        if scope["type"] == "http" and path.startswith("/openai/"):
            rewritten = "/v1/" + path[len("/openai/") :]
            scope = {**scope, "path": rewritten, "raw_path": rewritten.encode()}
        await self.app(scope, receive, send)
