"""An MCP server written with the official SDK (``MCPServer``), for agentkit's client to use.

    python sdk_server.py              # stdio
    python sdk_server.py http TOKEN   # streamable HTTP on a free port, requiring Bearer TOKEN;
                                      # prints its URL on stdout

Its tools cover what a client meets: plain and structured results, images, resources,
errors, a crash, a hang (which records its cancellation), a huge result, a schema strict
mode cannot express, and a tool list that grows.
"""

from __future__ import annotations

import asyncio
import base64
import os
import socket
import sys
from pathlib import Path
from typing import Any

import mcp_types
from mcp.server.mcpserver import Context, MCPServer
from mcp.server.mcpserver.exceptions import ToolError
from mcp_types.version import MODERN_PROTOCOL_VERSIONS
from pydantic import BaseModel

# 1x1 transparent PNG.
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="
)

server = MCPServer(
    "sdk-test-server", instructions="A server for agentkit's tests.", log_level="WARNING"
)


class Point(BaseModel):
    x: int
    y: int


@server.tool()
def add(a: int, b: int = 2) -> int:
    """Add two integers."""
    return a + b


@server.tool()
def point(x: int, y: int) -> Point:
    """A point, as structured content."""
    return Point(x=x, y=y)


@server.tool(structured_output=False)
def picture() -> list[mcp_types.ContentBlock]:
    """A caption and an image."""
    data = base64.b64encode(PNG).decode()
    return [
        mcp_types.TextContent(type="text", text="a red dot"),
        mcp_types.ImageContent(type="image", data=data, mime_type="image/png"),
    ]


@server.tool(structured_output=False)
def documents() -> list[mcp_types.ContentBlock]:
    """An embedded text resource and a link."""
    return [
        mcp_types.EmbeddedResource(
            type="resource",
            resource=mcp_types.TextResourceContents(
                uri="file:///notes.txt", mime_type="text/plain", text="remember the milk"
            ),
        ),
        mcp_types.ResourceLink(
            type="resource_link", name="report", uri="file:///report.pdf", description="Q3"
        ),
    ]


@server.tool()
def fail(message: str) -> str:
    """Always fails, with ``message`` (a ToolError: the SDK shows its text to the client)."""
    raise ToolError(message)


@server.tool()
def crash() -> str:
    """The process exits mid-call."""
    os._exit(3)


@server.tool()
async def hang(marker: str) -> str:
    """Never answers; writes 'started', then 'cancelled' when the client cancels it."""
    path = Path(marker)
    path.write_text("started")  # noqa: ASYNC240 - a few bytes, and the test waits for them
    try:
        await asyncio.sleep(3600)
    except BaseException:
        path.write_text("cancelled")  # noqa: ASYNC240
        raise
    return "never"


@server.tool(structured_output=False)
def big(megabytes: int) -> str:
    """A result of ``megabytes`` MiB."""
    return "x" * (megabytes * 1024 * 1024)


@server.tool()
def tally(counts: dict[str, int]) -> int:
    """Sum counts by name (an open dict: strict mode cannot express it)."""
    return sum(counts.values())


@server.tool()
async def grow(ctx: Context) -> str:
    """Add the tool 'extra' and tell the client its tool list changed."""
    server.add_tool(extra)
    if ctx.request_context.protocol_version in MODERN_PROTOCOL_VERSIONS:
        await ctx.notify_tools_changed()
    else:
        await ctx.request_context.session.send_tool_list_changed()
    return "grown"


def extra() -> str:
    """A tool added while serving."""
    return "extra!"


def _http(token: str) -> None:
    import uvicorn
    from starlette.types import Receive, Scope, Send

    inner = server.streamable_http_app()

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        headers = dict(scope.get("headers") or [])
        if scope["type"] == "http" and headers.get(b"authorization") != f"Bearer {token}".encode():
            await send({"type": "http.response.start", "status": 401, "headers": []})
            await send({"type": "http.response.body", "body": b"no"})
            return
        await inner(scope, receive, send)

    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)  # TCP_NODELAY
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", int(os.environ.get("PORT", "0"))))
    sock.listen(128)  # connections wait in the backlog until uvicorn accepts them
    print(f"http://127.0.0.1:{sock.getsockname()[1]}/mcp", flush=True)
    config = uvicorn.Config(app, log_level="error")
    asyncio.run(uvicorn.Server(config).serve(sockets=[sock]))


def main(argv: list[str]) -> Any:
    if argv[1:2] == ["http"]:
        return _http(argv[2])
    return server.run()


if __name__ == "__main__":
    main(sys.argv)
