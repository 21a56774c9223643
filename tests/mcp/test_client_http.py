"""agentkit's MCP client against the official-SDK server over streamable HTTP (real sockets)."""

from __future__ import annotations

import asyncio
import json
import socket
import subprocess
import time
from pathlib import Path

import pytest

from agentkit import RunContext
from agentkit.events import MCPServerRestartedEvent
from agentkit.exceptions import ToolExecutionError, ToolsetError, ToolTimeoutError
from agentkit.mcp import MCPTool, MCPToolset
from agentkit.mcp.connection import Mode
from tests.mcp.conftest import HTTPServer, sdk_command, start_http, stop

MODES: list[Mode] = ["auto", "legacy"]
# The stdio tests check the warning for the server's one non-strict tool.
pytestmark = pytest.mark.filterwarnings("ignore::agentkit.tools.strict.StrictModeWarning")


def _toolset(server: HTTPServer, mode: Mode, token: str | None = None) -> MCPToolset:
    return MCPToolset(
        url=server.url,
        headers={"Authorization": f"Bearer {token or server.token}"},
        mode=mode,
        name="sdk-http",
    )


@pytest.mark.parametrize("mode", MODES)
async def test_tools_are_listed_and_called_with_the_given_headers(
    sdk_http_server: HTTPServer, mode: Mode
) -> None:
    async with _toolset(sdk_http_server, mode) as toolset:
        add = toolset.get("add")
        assert add is not None
        assert add.definition.strict is True  # type: ignore[union-attr]
        assert await add.invoke('{"a": 5, "b": null}') == "7"  # type: ignore[union-attr]
        assert toolset.connection.running


@pytest.mark.parametrize("mode", MODES)
async def test_a_result_larger_than_the_sdks_one_mib_event_limit_is_read(
    sdk_http_server: HTTPServer, mode: Mode
) -> None:
    async with _toolset(sdk_http_server, mode) as toolset:
        big = toolset.get("big")
        assert big is not None
        output = await big.invoke('{"megabytes": 3}')  # type: ignore[union-attr]

    assert output == "x" * (3 * 1024 * 1024)


@pytest.mark.parametrize("mode", MODES)
async def test_a_call_past_its_timeout_is_a_tool_error_and_cancelled_on_the_server(
    sdk_http_server: HTTPServer, mode: Mode, tmp_path: Path
) -> None:
    marker = tmp_path / "hang"
    toolset = _toolset(sdk_http_server, mode)
    toolset.timeout = 0.3
    async with toolset:
        hang = toolset.get("hang")
        assert isinstance(hang, MCPTool)
        with pytest.raises(ToolTimeoutError) as caught:
            await hang.invoke(json.dumps({"marker": str(marker)}))
        deadline = time.monotonic() + 10
        while _read(marker) != "cancelled":  # notifications/cancelled reached the server
            assert time.monotonic() < deadline, f"the server did not cancel: {_read(marker)!r}"
            await asyncio.sleep(0.02)

    assert caught.value.model_message() == (
        "Error: The tool 'hang' did not finish within 0.3 seconds."
    )


def _read(marker: Path) -> str | None:
    return marker.read_text() if marker.exists() else None


@pytest.mark.parametrize("mode", MODES)
async def test_a_refused_key_fails_the_start_with_a_clear_error(
    sdk_http_server: HTTPServer, mode: Mode
) -> None:
    toolset = _toolset(sdk_http_server, mode, token="wrong-token")

    with pytest.raises(ToolsetError) as caught:
        await toolset.prepare()

    assert str(caught.value).startswith(
        "MCP server 'sdk-http' did not start: the server answered HTTP 401 Unauthorized"
    )
    assert "wrong-token" not in str(caught.value)


@pytest.mark.parametrize("mode", MODES)
async def test_the_tool_list_is_read_again_when_the_server_says_it_changed(
    sdk_http_server: HTTPServer, mode: Mode
) -> None:
    async with _toolset(sdk_http_server, mode) as toolset:
        grow = toolset.get("grow")
        assert grow is not None
        await grow.invoke("{}")  # type: ignore[union-attr]
        deadline = time.monotonic() + 10
        while "extra" not in toolset.names():
            assert time.monotonic() < deadline, "the tool list was not read again"
            await asyncio.sleep(0.02)


async def test_a_server_that_went_away_fails_the_call_and_is_reconnected_when_back() -> None:
    port = _free_port()
    token = "restart-token-2b9c"
    first = _start(port, token)
    server = HTTPServer(f"http://127.0.0.1:{port}/mcp", token, first)
    toolsets = {mode: _toolset(server, mode) for mode in MODES}
    try:
        for toolset in toolsets.values():
            await toolset.prepare()
        first.kill()
        first.wait()
        for toolset in toolsets.values():
            add = toolset.get("add")
            assert add is not None
            with pytest.raises(ToolExecutionError) as failed:
                await add.invoke('{"a": 1, "b": 1}')  # type: ignore[union-attr]
            assert "sdk-http" in failed.value.model_message()
        second = _start(port, token)
        try:
            for toolset in toolsets.values():
                events: list[object] = []
                ctx: RunContext[None] = RunContext(deps=None, call_id="c", emit=events.append)
                add = toolset.get("add")
                assert add is not None
                assert await add.invoke('{"a": 1, "b": 1}', ctx) == "2"  # type: ignore[union-attr]
                assert [type(e) for e in events] == [MCPServerRestartedEvent]
        finally:
            for toolset in toolsets.values():
                await toolset.aclose()
            stop(second)
    finally:
        stop(first)


def _start(port: int, token: str) -> subprocess.Popen[str]:
    process = start_http([*sdk_command(), "http", token], env={"PORT": str(port)})
    assert process.stdout is not None
    url = process.stdout.readline().strip()
    if url != f"http://127.0.0.1:{port}/mcp":
        stop(process)
        raise AssertionError(f"the server did not start on port {port}: {url!r}")
    return process


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port
