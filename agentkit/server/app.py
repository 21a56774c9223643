"""`create_app`: the Assistants v2 API over the engine, as a Starlette application."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from typing import TYPE_CHECKING

import structlog
from starlette.applications import Starlette
from starlette.middleware import Middleware

from agentkit.files import Files
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
from agentkit.server.executor import RunExecutor
from agentkit.server.file_search import ServerFileSearch
from agentkit.server.foundry import FoundryPathMiddleware
from agentkit.server.hosted import HostedTools
from agentkit.server.stored_agent import Served
from agentkit.server.sweeper import recover_orphans, sweep_forever
from agentkit.stores.assistants import AssistantsStore
from agentkit.stores.files import FileStore
from agentkit.stores.sqlite import SQLiteStore

if TYPE_CHECKING:
    from agentkit.server.durable import PostgresBackend

__all__ = ["create_app"]

_log = structlog.get_logger("agentkit.server")


def create_app(config: ServerConfig) -> Starlette:
    """The ASGI application serving ``/v1/assistants``, ``/v1/threads``, ``/v1/files``...

    Everything is kept in the SQLite file ``config.db_path``, or in the Postgres database
    ``config.database_url``; files' bytes in ``config.files_dir`` (default: beside
    ``db_path``), vector store indexes beside ``db_path``. With SQLite, runs a previous
    process left in progress (a crash, ``kill -9``) are continued from their last recorded
    step at startup, vector store files it left ``in_progress`` are ingested again, and the
    sweeper starts (expiry, and recovery of runs orphaned later); on shutdown, runs still
    being driven are released for the next start to continue. With Postgres, runs are
    executed by DBOS workers (this process among them, ``config.worker_concurrency``), which
    also continue the runs of workers that died; the sweeper only expires; vector stores are
    not available. Serve it with any ASGI server (``agentkit serve`` uses uvicorn); the
    lifespan protocol must be enabled.
    """
    hosted = HostedTools(config.kernel_pool)
    store: AssistantsStore = (
        _postgres_store(config) if config.database_url else SQLiteStore(config.db_path)
    )
    assert isinstance(store, FileStore)
    files_dir = config.files_dir or config.db_path + ".files"
    root_files = Files(store, files_dir, max_bytes=config.max_file_bytes)
    file_search = ServerFileSearch(config, root_files, store)
    backend = (
        _postgres_backend(config, store, root_files, hosted, file_search)
        if config.database_url
        else None
    )
    executor = RunExecutor(
        store,
        root_files,
        lease_ttl=config.lease_ttl,
        execution=backend.execution if backend else None,
    )
    served = Served(hosted, file_search)

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        if backend is not None:
            await backend.start()
        else:
            assert isinstance(store, SQLiteStore)
            await store.open()
            if recovered := await recover_orphans(executor, config, served):
                _log.warning("recovered runs a previous process left in progress", count=recovered)
            projects = [(p, executor.files(p), executor.project(p)[0]) for p in config.projects]
            if resumed := await file_search.resume(projects):
                _log.warning("ingesting files a previous process left in progress", count=resumed)
        sweeper = asyncio.create_task(
            sweep_forever(executor, config, served, recover=backend is None),
            name="agentkit-serve-sweeper",
        )
        try:
            yield
        finally:
            sweeper.cancel()
            await asyncio.wait({sweeper})
            await executor.aclose()
            if backend is not None:
                await backend.stop()
            await hosted.aclose()
            await file_search.aclose()
            await store.aclose()

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
    app.state.store = store
    app.state.executor = executor
    app.state.hosted = hosted
    app.state.file_search = file_search
    return app


def _postgres_store(config: ServerConfig) -> AssistantsStore:
    # psycopg (the postgres extra) loads only when serving a Postgres database.
    from agentkit.stores.postgres import PostgresStore

    assert config.database_url is not None
    return PostgresStore(config.database_url)


def _postgres_backend(
    config: ServerConfig,
    store: AssistantsStore,
    files: Files,
    hosted: HostedTools,
    file_search: ServerFileSearch,
) -> PostgresBackend:
    # DBOS (the dbos extra) loads only when serving a Postgres database.
    from agentkit.server.durable import PostgresBackend

    return PostgresBackend.from_config(config, store, files, Served(hosted, file_search))
