"""The HTTP layer under the API: read timeouts, and protocol errors in the API's error shape."""

from __future__ import annotations

import json
import socket
from collections.abc import Iterator
from typing import Any

import pytest

from agentkit.server import BackgroundServer, ServerConfig, offline_model_factory
from tests.server.conftest import KEYS


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[BackgroundServer]:
    db = tmp_path_factory.mktemp("http") / "serve.db"
    config = ServerConfig(
        model_factory=offline_model_factory,
        db_path=str(db),
        api_keys=KEYS,
        header_timeout=0.5,
        body_timeout=0.5,
    )
    with BackgroundServer(config) as running:
        yield running


def exchange(server: BackgroundServer, *parts: bytes, wait: float = 5.0) -> bytes:
    """Send ``parts`` on a new connection; read until the server closes it (or ``wait``)."""
    with socket.create_connection((server.host, server.port), timeout=wait) as sock:
        for part in parts:
            sock.sendall(part)
        received = b""
        while chunk := sock.recv(65536):
            received += chunk
    return received


def parse(raw: bytes) -> tuple[int, dict[str, str], Any]:
    head, _, body = raw.partition(b"\r\n\r\n")
    status_line, *header_lines = head.decode("latin-1").split("\r\n")
    headers = dict(line.lower().split(": ", 1) for line in header_lines)
    return int(status_line.split()[1]), headers, json.loads(body)


REQUEST = b"POST /v1/assistants HTTP/1.1\r\nhost: x\r\nauthorization: Bearer sk-alpha\r\n"


def test_headers_sent_too_slowly_get_a_json_408_and_the_connection_is_closed(
    server: BackgroundServer,
) -> None:
    status, headers, body = parse(exchange(server, REQUEST))  # the blank line never comes
    assert (status, headers["content-type"]) == (408, "application/json")
    assert body["error"]["code"] == "header_timeout"


def test_a_connection_that_sends_nothing_is_closed(server: BackgroundServer) -> None:
    status, _, body = parse(exchange(server))
    assert (status, body["error"]["code"]) == (408, "header_timeout")


def test_a_body_shorter_than_its_content_length_gets_a_json_408(server: BackgroundServer) -> None:
    head = REQUEST + b"content-type: application/json\r\ncontent-length: 100\r\n\r\n"
    status, headers, body = parse(exchange(server, head + b'{"model": "m"'))
    assert (status, headers["connection"]) == (408, "close")
    assert body["error"] == {
        "message": "The request body did not arrive within 0.5 seconds.",
        "type": "invalid_request_error",
        "param": None,
        "code": "body_timeout",
    }


def test_bytes_past_the_content_length_get_a_json_400(server: BackgroundServer) -> None:
    head = REQUEST + b"content-type: application/json\r\ncontent-length: 5\r\n\r\n"
    raw = exchange(server, head + b'{"model": "m"}\r\n\r\n')
    first, _, rest = raw.rpartition(b"HTTP/1.1 400")
    status, headers, body = parse(b"HTTP/1.1 400" + rest)
    assert parse(first)[2]["error"]["code"] == "invalid_json"  # the 5 bytes: '{"mod'
    assert (status, headers["content-type"]) == (400, "application/json")
    assert body["error"]["code"] == "invalid_http_request"
    assert body["error"]["type"] == "invalid_request_error"


def test_oversized_headers_get_a_json_400(server: BackgroundServer) -> None:
    raw = exchange(server, REQUEST + b"x-big: " + b"a" * 70_000)  # past h11's 16 KiB
    status, headers, body = parse(raw)
    assert (status, headers["content-type"]) == (400, "application/json")
    assert set(body["error"]) == {"message", "type", "param", "code"}


def test_a_normal_request_on_the_same_server_still_works(server: BackgroundServer) -> None:
    body = b'{"model": "m"}'
    head = REQUEST + b"connection: close\r\ncontent-length: %d\r\n\r\n" % len(body)
    status, _, created = parse(exchange(server, head + body))
    assert (status, created["object"]) == (200, "assistant")
