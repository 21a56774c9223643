"""The HTTP server's socket: connections without Nagle's delay, and a clear bind error."""

from __future__ import annotations

import asyncio
import socket

import pytest

from agentkit.exceptions import UserError
from agentkit.mcp.serving import listening_socket


async def test_connections_accepted_on_the_socket_send_without_delay() -> None:
    # Without TCP_NODELAY each response on a kept-alive connection waited ~40 ms for the
    # client's delayed ACK (bench/mcp_overhead.py measured 48 ms per HTTP call).
    accepted: asyncio.Future[int] = asyncio.get_running_loop().create_future()

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        sock = writer.get_extra_info("socket")
        accepted.set_result(sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY))
        writer.close()

    sock = listening_socket("127.0.0.1", 0)
    server = await asyncio.start_server(handle, sock=sock)
    async with server:
        _reader, writer = await asyncio.open_connection(*sock.getsockname())
        nodelay = await asyncio.wait_for(accepted, 10)
        writer.close()
        await writer.wait_closed()

    assert nodelay != 0


def test_an_address_in_use_is_a_clear_error() -> None:
    with listening_socket("127.0.0.1", 0) as taken:
        port = taken.getsockname()[1]
        with pytest.raises(UserError) as caught:
            listening_socket("127.0.0.1", port).close()

    assert str(caught.value) == f"cannot listen on 127.0.0.1:{port}: Address already in use"
