"""`BackgroundServer`: ``agentkit serve`` on 127.0.0.1 in a thread, for tests, examples, benches."""

from __future__ import annotations

import socket
import threading
import time
from types import TracebackType

import uvicorn

from agentkit.exceptions import UserError
from agentkit.server.app import create_app
from agentkit.server.config import ServerConfig
from agentkit.server.http11 import uvicorn_config

__all__ = ["BackgroundServer"]


def _free_port(host: str) -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


class BackgroundServer:
    """Serves ``create_app(config)`` with uvicorn in a daemon thread until the block ends.

    ::

        with BackgroundServer(config) as server:
            client = OpenAI(base_url=server.base_url, api_key="sk-local")

    Args:
        config: the server's configuration.
        host: the interface to listen on.
        port: the port (default: a free one).
        startup_timeout: seconds to wait for the server to accept connections.
    """

    def __init__(
        self,
        config: ServerConfig,
        *,
        host: str = "127.0.0.1",
        port: int | None = None,
        startup_timeout: float = 10.0,
    ) -> None:
        self.host = host
        self.port = port or _free_port(host)
        self.startup_timeout = startup_timeout
        settings = uvicorn_config(
            create_app(config), config, host=host, port=self.port, log_level="warning"
        )
        self._server = uvicorn.Server(settings)
        self._thread = threading.Thread(target=self._server.run, name="agentkit-serve", daemon=True)

    @property
    def base_url(self) -> str:
        """The API's base URL, ``http://host:port/v1``."""
        return f"http://{self.host}:{self.port}/v1"

    def start(self) -> None:
        """Start serving; return once the server accepts connections."""
        self._thread.start()
        deadline = time.monotonic() + self.startup_timeout
        while not self._server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                raise UserError(f"agentkit serve did not start on {self.host}:{self.port}")
            time.sleep(0.01)

    def stop(self) -> None:
        """Shut down gracefully (runs being driven are cancelled) and wait for the thread."""
        self._server.should_exit = True
        self._thread.join()

    def __enter__(self) -> BackgroundServer:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()
