"""Running an MCP server: over stdio, or over streamable HTTP behind a bearer key."""

from __future__ import annotations

import hmac
import json
import socket
from collections.abc import Callable, Collection

import uvicorn
from mcp.server import Server
from mcp.server.stdio import stdio_server
from starlette.types import ASGIApp, Receive, Scope, Send

from agentkit.exceptions import UserError

__all__ = ["BearerKeyMiddleware", "http_app", "serve_http", "serve_stdio"]


async def serve_stdio(server: Server) -> None:
    """Serve ``server`` over this process's stdin and stdout until stdin closes."""
    async with stdio_server() as (read_stream, write_stream):
        await server.run(read_stream, write_stream, server.create_initialization_options())


def http_app(server: Server, *, keys: Collection[str], host: str = "127.0.0.1") -> ASGIApp:
    """``server`` as an ASGI app at ``/mcp``, answering 401 without one of ``keys``.

    Raises:
        UserError: no keys (an MCP server over HTTP always requires one).
    """
    if not keys or not all(isinstance(k, str) and k for k in keys):
        raise UserError("an MCP server over HTTP needs at least one API key")
    return BearerKeyMiddleware(server.streamable_http_app(host=host), keys)


async def serve_http(
    server: Server,
    *,
    keys: Collection[str],
    host: str = "127.0.0.1",
    port: int = 8000,
    on_ready: Callable[[str], None] | None = None,
) -> None:
    """Serve ``server`` over streamable HTTP at ``http://host:port/mcp`` until cancelled.

    ``on_ready`` receives the URL once the socket is bound (``port=0`` picks a free one).
    """
    app = http_app(server, keys=keys, host=host)
    sock = listening_socket(host, port)
    bound = sock.getsockname()[1]
    config = uvicorn.Config(app, log_level="warning", lifespan="on")
    if on_ready is not None:
        shown = f"[{host}]" if sock.family == socket.AF_INET6 else host
        on_ready(f"http://{shown}:{bound}/mcp")
    with sock:
        await uvicorn.Server(config).serve(sockets=[sock])


def listening_socket(host: str, port: int) -> socket.socket:
    """A TCP socket listening on ``host:port`` whose connections asyncio makes TCP_NODELAY.

    asyncio sets TCP_NODELAY only on sockets created with ``IPPROTO_TCP`` (not 0); without
    it, each response on a kept-alive connection waits ~40 ms for the client's delayed ACK.

    Raises:
        UserError: the address cannot be bound.
    """
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        raise UserError(f"cannot listen on {host}:{port}: {exc.strerror}") from None
    sock.listen(128)  # clients told the URL queue in the backlog until uvicorn accepts
    return sock


class BearerKeyMiddleware:
    """Answers 401 unless the request carries ``Authorization: Bearer <one of the keys>``.

    Every key is compared in constant time, with no early exit, so timing tells nothing
    about which key (or which prefix of one) was close.
    """

    def __init__(self, app: ASGIApp, keys: Collection[str]) -> None:
        self.app = app
        self._keys = [key.encode() for key in keys]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or self._allowed(scope):
            await self.app(scope, receive, send)
            return
        body = json.dumps({"error": "a valid API key is required: Authorization: Bearer KEY"})
        await send(
            {
                "type": "http.response.start",
                "status": 401,
                "headers": [
                    (b"content-type", b"application/json"),
                    (b"www-authenticate", b'Bearer realm="agentkit-mcp"'),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body.encode()})

    def _allowed(self, scope: Scope) -> bool:
        presented = b""
        for name, value in scope["headers"]:
            if name == b"authorization":
                scheme, _, token = value.partition(b" ")
                if scheme.lower() == b"bearer":
                    presented = token.strip()
        if not presented:
            return False
        found = False
        for key in self._keys:
            found |= hmac.compare_digest(key, presented)
        return found
