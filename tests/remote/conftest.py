from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any, Literal

import httpx2
import pytest
import uvicorn
from openai import AsyncAzureOpenAI, AsyncOpenAI

from tests.leak_watch import secret

from .double import Double

DOUBLE_KEY = secret("sk-remote-double-key")
"""The key clients send to the double (registered: it must never be logged)."""


@asynccontextmanager
async def serve(app: Any, *, lifespan: Literal["auto", "on", "off"] = "off") -> AsyncIterator[str]:
    """Serve ``app`` with uvicorn on 127.0.0.1; yields the base URL."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    config = uvicorn.Config(app, log_level="critical", lifespan=lifespan, access_log=False)
    server = uvicorn.Server(config)
    # Listening before uvicorn starts means early connections wait in the backlog.
    sock.listen(128)
    task = asyncio.create_task(server.serve(sockets=[sock]))
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = server.force_exit = True
        await task
        sock.close()


@pytest.fixture
def double() -> Double:
    return Double()


@pytest.fixture
async def client(double: Double) -> AsyncIterator[AsyncOpenAI]:
    async with serve(double.app) as url:
        client = AsyncOpenAI(base_url=f"{url}/v1", api_key=DOUBLE_KEY, max_retries=0)
        yield client
        await client.close()


def azure_client(double: Double) -> AsyncAzureOpenAI:
    return AsyncAzureOpenAI(
        azure_endpoint="http://double",
        api_version="2025-05-15-preview",
        api_key=DOUBLE_KEY,
        max_retries=0,
        http_client=httpx2.AsyncClient(transport=httpx2.ASGITransport(app=double.app)),
    )


ClientFactory = Callable[[Double], AsyncOpenAI]
