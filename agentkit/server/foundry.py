"""Azure AI Foundry's classic agents URL layout, so `azure-ai-agents` clients work unchanged.

The Foundry client (`azure.ai.agents.AgentsClient`) is built on a project endpoint,
``https://<resource>.services.ai.azure.com/api/projects/<project>``, and calls
``{endpoint}/assistants?api-version=v1``, ``{endpoint}/threads/...`` with a bearer token.
This middleware serves ``/api/projects/<project>/<path>`` as ``/v1/<path>`` (the
``api-version`` query is ignored), after `AuthMiddleware`: the token is one of the server's
API keys, and the URL's project must be that key's project (a bare ``--api-key KEY`` is
project ``default``). Any other project answers 404, as an unknown project would.
"""

from __future__ import annotations

import re

from starlette.types import ASGIApp, Receive, Scope, Send

from agentkit.server.errors import error_response

__all__ = ["FoundryPathMiddleware"]

_PROJECT_PATH = re.compile(r"/api/projects/(?P<project>[^/]+)(?P<rest>/.*)?")


class FoundryPathMiddleware:
    """Rewrites ``/api/projects/<project>/<path>`` to ``/v1/<path>`` for the key's project."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        found = _PROJECT_PATH.fullmatch(scope.get("path", "")) if scope["type"] == "http" else None
        if found is None:
            await self.app(scope, receive, send)
            return
        project = found["project"]
        if project != scope.get("state", {}).get("project"):
            message = f"The project {project!r} was not found for this API key."
            await error_response(404, message, code="project_not_found")(scope, receive, send)
            return
        rewritten = "/v1" + (found["rest"] or "/")
        await self.app({**scope, "path": rewritten, "raw_path": rewritten.encode()}, receive, send)
