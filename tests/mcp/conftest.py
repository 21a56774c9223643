"""Real MCP servers for the tests: processes over pipes and sockets, never in-process."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.leak_watch import secret
from tests.soak.invariants import child_processes

__all__ = ["child_processes"]

SERVERS = Path(__file__).with_name("servers")
SDK_SERVER = SERVERS / "sdk_server.py"
ROOT = Path(__file__).resolve().parents[2]
AGENTKIT = str(Path(sys.executable).with_name("agentkit"))


def sdk_command() -> list[str]:
    """The command line of the official-SDK test server over stdio."""
    return [sys.executable, str(SDK_SERVER)]


@dataclass
class HTTPServer:
    """A server process listening on 127.0.0.1."""

    url: str
    token: str
    process: subprocess.Popen[str]


def start_http(command: list[str], env: dict[str, str] | None = None) -> subprocess.Popen[str]:
    """Start a server that prints its URL as its first line (on stdout or stderr)."""
    return subprocess.Popen(
        command,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env={**os.environ, **(env or {})},
    )


def stop(process: subprocess.Popen[str]) -> None:
    process.terminate()
    try:
        process.wait(timeout=3)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
    if process.stdout is not None:
        process.stdout.close()


@pytest.fixture(scope="module")
def sdk_http_server() -> Iterator[HTTPServer]:
    """The official-SDK test server over streamable HTTP, behind a bearer token."""
    token = secret("sdk-server-token-7f3a")
    process = start_http([*sdk_command(), "http", token])
    assert process.stdout is not None
    url = process.stdout.readline().strip()
    assert url.startswith("http://127.0.0.1:"), url
    yield HTTPServer(url, token, process)
    stop(process)
