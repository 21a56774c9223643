"""The streamable-HTTP transport: an MCP server at a URL, with headers and authentication."""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import httpx2
from mcp.client.streamable_http import streamable_http_client

__all__ = ["HTTPStatus", "http_transport", "public_url"]

# The SDK's defaults: a response may be a stream the server holds open for a long time.
_TIMEOUT = httpx2.Timeout(30.0, read=300.0)


@dataclass
class HTTPStatus:
    """The last HTTP error the server answered, which the SDK's errors do not carry.

    Attributes:
        error: ``HTTP 401 Unauthorized``..., or None.
    """

    error: str | None = None

    def describe(self) -> str:
        """How the connection ended, in words."""
        if self.error is not None:
            return f"the server answered {self.error}"
        return "the connection to the server closed"

    async def record(self, response: httpx2.Response) -> None:
        """An httpx response hook: note an error status."""
        if response.status_code >= 400:
            self.error = f"HTTP {response.status_code} {response.reason_phrase}".strip()


@asynccontextmanager
async def http_transport(
    url: str,
    *,
    status: HTTPStatus,
    headers: Mapping[str, str] | None = None,
    auth: httpx2.Auth | None = None,
    max_message_bytes: int = 64 * 1024 * 1024,
) -> AsyncIterator[tuple[Any, Any]]:
    """Connect to ``url`` and yield the (read, write) message streams the SDK's session uses.

    ``max_message_bytes`` bounds one server-sent event (a streamed result); the SDK's own
    default of 1 MiB would fail any larger tool result instead of letting agentkit truncate it.
    """
    hooks = {"response": [status.record]}
    async with (
        httpx2.AsyncClient(
            headers=dict(headers or {}), auth=auth, timeout=_TIMEOUT, event_hooks=hooks
        ) as http,
        streamable_http_client(url, http_client=http, max_sse_event_size=max_message_bytes) as (
            read_stream,
            write_stream,
        ),
    ):
        yield read_stream, write_stream


def public_url(url: str) -> str:
    """``url`` without credentials or query, fit for logs, events and messages."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    if parts.port is not None:
        host = f"{host}:{parts.port}"
    return urlunsplit((parts.scheme, host, parts.path, "", ""))
