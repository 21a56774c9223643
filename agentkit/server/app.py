"""`create_app`: the Assistants v2 API over the engine, as a Starlette application."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator

from starlette.applications import Starlette
from starlette.middleware import Middleware

from agentkit.server import (
    assistants,
    files,
    messages,
    runs,
    steps,
    threads,
    vector_store_files,
    vector_stores,
)
from agentkit.server.auth import AuthMiddleware
from agentkit.server.azure import AzurePathMiddleware
from agentkit.server.config import ServerConfig
from agentkit.server.errors import UnexpectedErrorMiddleware, exception_handlers
from agentkit.server.foundry import FoundryPathMiddleware
from agentkit.server.lifecycle import ServerParts

__all__ = ["create_app"]


def create_app(config: ServerConfig) -> Starlette:
    """The ASGI application serving ``/v1/assistants``, ``/v1/threads``, ``/v1/files``...

    Its lifespan starts and stops the process's `ServerParts`: everything is kept in the
    SQLite file ``config.db_path`` or in the Postgres database ``config.database_url``;
    what a previous process left in progress is taken up at start-up, and runs still being
    driven at shutdown are released for the next start (see `agentkit.server.lifecycle`).
    Serve it with any ASGI server (``agentkit serve`` uses uvicorn); the lifespan protocol
    must be enabled.
    """
    parts = ServerParts.build(config)

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        await parts.start()
        try:
            yield
        finally:
            await parts.stop()

    app = Starlette(
        routes=[
            *assistants.routes,
            *runs.routes,
            *threads.routes,
            *messages.routes,
            *steps.routes,
            *files.routes,
            *vector_stores.routes,
            *vector_store_files.routes,
        ],
        middleware=[
            Middleware(UnexpectedErrorMiddleware),
            Middleware(AzurePathMiddleware),
            Middleware(AuthMiddleware, keys=config.api_keys),
            Middleware(FoundryPathMiddleware),
        ],
        exception_handlers=exception_handlers(),
        lifespan=lifespan,
    )
    app.state.config = config
    app.state.store = parts.store
    app.state.executor = parts.executor
    app.state.hosted = parts.served.hosted
    app.state.file_search = parts.served.file_search
    return app
