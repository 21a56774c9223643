"""The HTTP/1.1 connection under the app: uvicorn's h11 protocol with two additions.

- A header read timeout. uvicorn only times out idle keep-alive connections; a client that
  connects, or starts a request, and then sends its headers slowly (or never) would hold the
  connection forever. Here the headers must be complete within ``header_timeout`` seconds of
  the connection or of the request's first byte, or the client is answered 408 and the
  connection closed. (The body's own timeout is the app's: `agentkit.server.body`.)
- Protocol errors answered in the API's error shape. A request h11 cannot parse (a
  ``Content-Length`` that does not match the body, oversized headers, garbage) gets a JSON
  ``{"error": {...}}`` 400 instead of uvicorn's ``text/plain`` one.

`uvicorn_config` builds the uvicorn settings with this protocol, for ``agentkit serve`` and
`BackgroundServer` alike.
"""

from __future__ import annotations

import asyncio
import json
from http import HTTPStatus
from typing import Any

import h11
import uvicorn
from starlette.types import ASGIApp
from uvicorn.protocols.http.h11_impl import H11Protocol

from agentkit.server.config import KEEP_ALIVE_SECONDS, ServerConfig

__all__ = ["TimedH11Protocol", "uvicorn_config"]


def _raw_response(status: int, message: str, code: str) -> bytes:
    error = {"message": message, "type": "invalid_request_error", "param": None, "code": code}
    body = json.dumps({"error": error}).encode()
    head = (
        f"HTTP/1.1 {status} {HTTPStatus(status).phrase}\r\n"
        "content-type: application/json\r\n"
        f"content-length: {len(body)}\r\n"
        "connection: close\r\n\r\n"
    )
    return head.encode("ascii") + body


class TimedH11Protocol(H11Protocol):
    """uvicorn's h11 protocol with a header read timeout and JSON protocol errors."""

    #: Seconds to receive a request's headers; set per server by `uvicorn_config`.
    header_timeout: float = 10.0

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._header_timer: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        super().connection_made(transport)  # type: ignore[arg-type]
        self._arm_header_timer()

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm_header_timer()
        super().connection_lost(exc)

    def data_received(self, data: bytes) -> None:
        if self.conn.their_state is h11.IDLE:
            # A new request starts (keep-alive's idle timer is disarmed by uvicorn).
            self._arm_header_timer()
        super().data_received(data)
        if self.conn.their_state is not h11.IDLE:
            self._disarm_header_timer()

    def on_response_complete(self) -> None:
        super().on_response_complete()
        if self.conn.their_state is h11.IDLE and self.conn.trailing_data[0]:
            # Pipelined bytes of the next request are already buffered.
            self._arm_header_timer()

    def _arm_header_timer(self) -> None:
        if self._header_timer is None:
            self._header_timer = self.loop.call_later(self.header_timeout, self._headers_late)

    def _disarm_header_timer(self) -> None:
        if self._header_timer is not None:
            self._header_timer.cancel()
            self._header_timer = None

    def _headers_late(self) -> None:
        self._header_timer = None
        if self.transport.is_closing() or self.conn.their_state is not h11.IDLE:
            return
        if self.cycle is not None and not self.cycle.response_complete:
            return  # a response is still being written; its own request had its headers
        message = f"The request headers did not arrive within {self.header_timeout:g} seconds."
        self.transport.write(_raw_response(408, message, "header_timeout"))
        self.transport.close()

    def send_400_response(self, msg: str) -> None:
        self._disarm_header_timer()
        message = f"{msg} The request could not be parsed as HTTP/1.1."
        self.transport.write(_raw_response(400, message, "invalid_http_request"))
        self.transport.close()


def uvicorn_config(
    app: ASGIApp,
    config: ServerConfig,
    *,
    host: str,
    port: int,
    log_level: str,
    log_config: dict[str, Any] | None = None,
) -> uvicorn.Config:
    """Uvicorn settings serving ``app`` with `TimedH11Protocol` and ``config``'s timeouts."""
    protocol = type(
        "TimedH11Protocol", (TimedH11Protocol,), {"header_timeout": config.header_timeout}
    )
    options: dict[str, Any] = {} if log_config is None else {"log_config": log_config}
    return uvicorn.Config(
        app,
        host=host,
        port=port,
        http=protocol,
        log_level=log_level,
        lifespan="on",
        timeout_keep_alive=KEEP_ALIVE_SECONDS,
        **options,
    )
