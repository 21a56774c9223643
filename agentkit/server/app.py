"""`create_app`: the Assistants v2 API over the engine, as a Starlette application."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator

import structlog
from starlette.applications import Starlette
from starlette.middleware import Middleware

from agentkit.files import Files
from agentkit.server import assistants, files, messages, runs, steps, threads
from agentkit.server.auth import AuthMiddleware
from agentkit.server.azure import AzurePathMiddleware
from agentkit.server.config import ServerConfig
from agentkit.server.errors import UnexpectedErrorMiddleware, exception_handlers
from agentkit.server.executor import RunExecutor
from agentkit.server.foundry import FoundryPathMiddleware
from agentkit.server.hosted import HostedTools
from agentkit.server.sweeper import recover_orphans, sweep_forever
from agentkit.stores.sqlite import SQLiteStore

__all__ = ["create_app"]

_log = structlog.get_logger("agentkit.server")


def create_app(config: ServerConfig) -> Starlette:
    """The ASGI application serving ``/v1/assistants``, ``/v1/threads``, ``/v1/files``...

    Everything is kept in the SQLite file ``config.db_path``, files' bytes beside it. On
    startup, runs a previous process left in progress (a crash, ``kill -9``) are continued
    from their last recorded step, and the sweeper starts (expiry, and recovery of runs
    orphaned later); on shutdown, runs still being driven are released for the next start
    to continue, and the file is
    closed. Serve it with any ASGI server (``agentkit serve`` uses uvicorn); the lifespan
    protocol must be enabled.
    """
    store = SQLiteStore(config.db_path)
    root_files = Files(store, config.files_dir, max_bytes=config.max_file_bytes)
    executor = RunExecutor(store, root_files, lease_ttl=config.lease_ttl)
    hosted = HostedTools(config.kernel_pool)

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        await store.open()
        if recovered := await recover_orphans(executor, config, hosted):
            _log.warning("recovered runs a previous process left in progress", count=recovered)
        sweeper = asyncio.create_task(
            sweep_forever(executor, config, hosted), name="agentkit-serve-sweeper"
        )
        try:
            yield
        finally:
            sweeper.cancel()
            await asyncio.wait({sweeper})
            await executor.aclose()
            await hosted.aclose()
            await store.aclose()

    app = Starlette(
        routes=[
            *assistants.routes,
            *runs.routes,
            *threads.routes,
            *messages.routes,
            *steps.routes,
            *files.routes,
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
    app.state.store = store
    app.state.executor = executor
    app.state.hosted = hosted
    return app
