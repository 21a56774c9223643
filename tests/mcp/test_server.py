"""The official SDK's client against ``agentkit mcp serve``, over stdio pipes and HTTP sockets."""

from __future__ import annotations

import asyncio
import subprocess
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager

import httpx2
import mcp_types
import pytest
from click.testing import CliRunner
from mcp import Client, StdioServerParameters
from mcp.client.streamable_http import streamable_http_client

from agentkit.cli.app import cli
from agentkit.mcp import STRICT_META_KEY
from agentkit.mcp.connection import Mode
from tests.leak_watch import secret
from tests.mcp.conftest import AGENTKIT, ROOT, HTTPServer
from tests.mcp.servers import served_tools

MODES: list[Mode] = ["auto", "legacy"]
TOOLS = "tests.mcp.servers.served_tools:toolset"


def _stdio(target: str) -> StdioServerParameters:
    return StdioServerParameters(command=AGENTKIT, args=["mcp", "serve", target], cwd=str(ROOT))


@pytest.fixture(scope="module")
def agentkit_http_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[HTTPServer]:
    """``agentkit mcp serve --http`` with its key in a key file, on a free port."""
    key = secret("mcp-serve-key-91d2")
    key_file = tmp_path_factory.mktemp("keys") / "keys.txt"
    key_file.write_text(f"# clients\n{key}\n")
    command = [AGENTKIT, "mcp", "serve", TOOLS, "--http", "--port", "0"]
    process = subprocess.Popen(
        [*command, "--api-key-file", str(key_file)],
        stderr=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        text=True,
        cwd=ROOT,
        env={"PATH": "/usr/bin:/bin", "AGENTKIT_API_KEYS": ""},
    )
    assert process.stderr is not None
    banner = process.stderr.readline()
    assert banner.startswith("agentkit mcp serve: http://127.0.0.1:"), banner
    url = banner.split()[3]
    yield HTTPServer(url, key, process)
    process.terminate()
    process.wait(timeout=10)
    process.stderr.close()


@asynccontextmanager
async def _http_client(server: HTTPServer, mode: Mode) -> AsyncIterator[Client]:
    headers = {"Authorization": f"Bearer {server.token}"}
    async with (
        httpx2.AsyncClient(headers=headers) as http,
        Client(streamable_http_client(server.url, http_client=http), mode=mode) as client,
    ):
        yield client


async def _check_tools(client: Client) -> None:
    listed = {t.name: t for t in (await client.list_tools()).tools}

    assert list(listed) == served_tools.toolset.names()
    for tool in served_tools.toolset.tools():
        definition = tool.definition  # type: ignore[union-attr]
        assert listed[definition.name].input_schema == definition.parameters
        assert listed[definition.name].description == definition.description
    assert listed["loose"].meta == {STRICT_META_KEY: False}
    assert listed["add"].meta is None


async def _check_calls(client: Client) -> None:
    added = await client.call_tool("add", {"a": 1, "b": None})
    invalid = await client.call_tool("add", {"a": "one"})
    retry = await client.call_tool("pick", {"color": "green"})
    picture = await client.call_tool("snapshot", {})

    assert _text(added) == "3" and not added.is_error
    assert invalid.is_error
    assert _text(invalid) == (
        "Error: Invalid arguments for tool 'add':\n- a: Input should be a valid integer, "
        "unable to parse string as an integer\nFix these and call the tool again."
    )
    assert retry.is_error and _text(retry) == "unknown color 'green'; use red or blue"
    assert picture.content[1] == mcp_types.ImageContent(
        type="image", data="iVBORw0KGgo=", mime_type="image/png"
    )


async def _check_sync_tools_run_off_the_loop(client: Client) -> None:
    # wait_for_signal blocks its thread until send_signal runs: were sync tools run on the
    # server's event loop, send_signal could never run.
    waiting = asyncio.create_task(client.call_tool("wait_for_signal", {}))
    await asyncio.sleep(0.2)
    sent = await client.call_tool("send_signal", {})

    assert _text(sent) == "sent"
    assert _text(await waiting) == "signalled"


def _text(result: mcp_types.CallToolResult) -> str:
    first = result.content[0]
    assert isinstance(first, mcp_types.TextContent)
    return first.text


@pytest.mark.parametrize("mode", MODES)
async def test_the_sdk_client_uses_tools_served_over_stdio(mode: Mode) -> None:
    async with Client(_stdio(TOOLS), mode=mode) as client:
        assert client.protocol_version == ("2025-11-25" if mode == "legacy" else "2026-07-28")
        await _check_tools(client)
        await _check_calls(client)
        await _check_sync_tools_run_off_the_loop(client)


@pytest.mark.parametrize("mode", MODES)
async def test_the_sdk_client_uses_tools_served_over_http(
    agentkit_http_server: HTTPServer, mode: Mode
) -> None:
    async with _http_client(agentkit_http_server, mode) as client:
        await _check_tools(client)
        await _check_calls(client)


@pytest.mark.parametrize("token", [None, "wrong-key-5c1e"])
async def test_http_requests_without_a_valid_key_get_401(
    agentkit_http_server: HTTPServer, token: str | None
) -> None:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    async with httpx2.AsyncClient() as http:
        response = await http.post(agentkit_http_server.url, json={}, headers=headers)

    assert response.status_code == 401
    assert response.headers["www-authenticate"].startswith("Bearer")
    assert agentkit_http_server.token not in response.text


def test_http_serving_without_any_key_is_refused() -> None:
    done = CliRunner().invoke(
        cli, ["mcp", "serve", TOOLS, "--http", "--port", "0"], env={"AGENTKIT_API_KEYS": ""}
    )

    assert done.exit_code == 2
    assert done.stderr == (
        "Error: serving MCP over HTTP requires a key: set AGENTKIT_API_KEYS=KEY or pass "
        "--api-key-file\n"
    )


async def test_an_agent_is_served_as_one_tool_that_answers_its_input() -> None:
    async with Client(_stdio("tests.mcp.servers.served_tools:helper")) as client:
        [tool] = (await client.list_tools()).tools
        answer = await client.call_tool("Helper_bot", {"input": "ping?"})

    assert tool.name == "Helper_bot"
    assert tool.description == "Answers one question."
    assert tool.input_schema == {
        "type": "object",
        "properties": {"input": {"type": "string", "description": "The request for the agent."}},
        "required": ["input"],
        "additionalProperties": False,
    }
    assert not answer.is_error
    assert _text(answer) == "You said: ping?"


def test_a_target_that_is_not_a_tool_is_refused_with_its_type() -> None:
    done = CliRunner().invoke(cli, ["mcp", "serve", "tests.mcp.servers.served_tools:_signal"])

    assert done.exit_code == 2
    refused = "'tests.mcp.servers.served_tools:_signal' is an Event, not an agent, a tool"
    assert refused in done.stderr
