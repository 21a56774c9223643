"""SDK clients for an `Endpoint`: one per event loop and endpoint, closed with their loop.

An ``AsyncOpenAI`` client keeps its connections on the event loop that opened them; used
from another loop (a second ``asyncio.run``, ``agent.run_sync`` twice, worker threads each
with a loop), it fails with "Event loop is closed". So adapters built from an endpoint (a
model given by name, or one given no client) ask `client_for` on every call: each running
loop gets its own client per endpoint, shared by every adapter on that loop.

Nothing here outlives its loop. The cache holds loops weakly, and each loop's clients are
closed when the loop shuts down: asyncio finalizes the async generators a loop started
when it shuts down (``asyncio.run``, ``asyncio.Runner``, ``loop.shutdown_asyncgens()``), so
each loop's entry owns a small generator whose ``finally`` closes its clients.
`close_client` closes one earlier (an adapter's ``aclose``).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
import weakref
from collections.abc import AsyncGenerator

from openai import AsyncAzureOpenAI, AsyncOpenAI

from agentkit.models.endpoint import Endpoint

__all__ = ["build_client", "client_for", "close_client"]

_log = logging.getLogger("agentkit.models")

EndpointKey = tuple[str, str | None, str | None, str]


class _LoopClients:
    """The clients of one event loop, and the generator that closes them at its shutdown."""

    def __init__(self) -> None:
        self.clients: dict[EndpointKey, AsyncOpenAI] = {}
        self.closer: AsyncGenerator[None, None] | None = None


_lock = threading.Lock()
_loops: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, _LoopClients] = (
    weakref.WeakKeyDictionary()
)


def build_client(endpoint: Endpoint) -> AsyncOpenAI:
    """A new client for ``endpoint``, with the SDK's retries off (`RetryMiddleware` retries)."""
    if endpoint.kind == "azure" and endpoint.base_url is not None:
        return AsyncAzureOpenAI(
            azure_endpoint=endpoint.base_url,
            api_version=endpoint.api_version,
            api_key=endpoint.api_key,
            azure_ad_token=endpoint.azure_ad_token,
            max_retries=0,
        )
    return AsyncOpenAI(api_key=endpoint.api_key, base_url=endpoint.base_url, max_retries=0)


def client_for(endpoint: Endpoint) -> AsyncOpenAI:
    """The running loop's client for ``endpoint``, created on first use.

    Outside a running loop there is nothing to cache for: a new client is returned, for
    inspection (it holds no connection until used).
    """
    try:
        loop = asyncio.get_running_loop()
    except RuntimeError:
        return build_client(endpoint)
    with _lock:
        entry = _loops.get(loop)
        if entry is None:
            entry = _new_entry(loop)
        client = entry.clients.get(endpoint.key)
        if client is None or client.is_closed():
            client = entry.clients[endpoint.key] = build_client(endpoint)
    return client


async def close_client(endpoint: Endpoint) -> None:
    """Close the running loop's client for ``endpoint``, if any; the next use makes a new one."""
    with _lock:
        entry = _loops.get(asyncio.get_running_loop())
        client = entry.clients.pop(endpoint.key, None) if entry is not None else None
    if client is not None:
        await client.close()


def cached_clients(loop: asyncio.AbstractEventLoop) -> int:
    """How many clients ``loop`` holds (for tests and diagnostics)."""
    with _lock:
        entry = _loops.get(loop)
        return len(entry.clients) if entry is not None else 0


def _new_entry(loop: asyncio.AbstractEventLoop) -> _LoopClients:
    # A loop closed without shutting down its generators never ran the closer; its entry
    # would keep it alive (the closer refers to the loop), so entries of closed loops go.
    for old in [known for known in _loops if known.is_closed()]:
        del _loops[old]
    entry = _loops[loop] = _LoopClients()
    entry.closer = _close_at_shutdown(loop, entry)
    # Run the generator to its `yield` now, inside the loop: that registers it with the
    # loop (the first iteration does), without awaiting anything.
    with contextlib.suppress(StopIteration):
        entry.closer.asend(None).send(None)
    return entry


async def _close_at_shutdown(
    loop: asyncio.AbstractEventLoop, entry: _LoopClients
) -> AsyncGenerator[None, None]:
    try:
        yield
    finally:
        with _lock:
            if _loops.get(loop) is entry:
                del _loops[loop]
            clients, entry.clients = list(entry.clients.values()), {}
        for client in clients:
            try:
                await client.close()
            except Exception:  # one client failing to close must not keep others open
                _log.debug("closing a model client failed", exc_info=True)
