"""``agentkit tools show --mcp/--mcp-url``: an MCP server's tools as agentkit would send them."""

from __future__ import annotations

import json
import shlex

import pytest
from click.testing import CliRunner

from agentkit.cli.app import cli
from tests.mcp.conftest import HTTPServer, sdk_command


def show(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, ["tools", "show", *args])
    return result.exit_code, result.stdout, result.stderr


def test_show_mcp_lists_a_stdio_servers_tools_and_names_the_non_strict_one() -> None:
    code, out, err = show("--mcp", shlex.join(sdk_command()), "--format", "responses")

    assert code == 0, err
    tools = {t["name"]: t for t in json.loads(out)}
    assert tools["add"] == {
        "type": "function",
        "name": "add",
        "description": "Add two integers.",
        "parameters": {
            "type": "object",
            "properties": {
                "a": {"type": "integer"},
                "b": {"anyOf": [{"type": "integer"}, {"type": "null"}]},
            },
            "required": ["a", "b"],
            "additionalProperties": False,
        },
        "strict": True,
    }
    assert tools["tally"]["strict"] is False
    [warning] = err.splitlines()
    # The server is named by its command line, shortened to 60 characters.
    assert warning.startswith(f"Warning: MCP server {shlex.join(sdk_command())[:57]!r}"[:-1])
    assert warning.endswith(
        "...': tool 'tally' is sent with strict=False, its schema unchanged: parameter "
        "'counts' is an open dict (dict[str, T], Mapping or **kwargs); strict mode cannot "
        "express it"
    )


def test_show_mcp_url_sends_the_given_headers(sdk_http_server: HTTPServer) -> None:
    header = f"Authorization: Bearer {sdk_http_server.token}"

    code, out, err = show("--mcp-url", sdk_http_server.url, "--header", header)

    assert code == 0, err
    assert "add" in [t["function"]["name"] for t in json.loads(out)]


def test_show_mcp_url_refused_is_one_line_without_the_key(sdk_http_server: HTTPServer) -> None:
    code, _, err = show("--mcp-url", sdk_http_server.url, "--header", "Authorization: Bearer no")

    assert code == 1
    assert err.startswith(
        f"Error: MCP server {sdk_http_server.url!r} did not start: the server answered "
        "HTTP 401 Unauthorized"
    )
    assert "Bearer no" not in err


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--mcp", "x", "--mcp-url", "http://h/mcp"], "give exactly one of TARGET, --pack"),
        (["--mcp-url", "http://h/mcp", "--header", "secret-value"], "header 1 has no name"),
        (["--mcp-url", "ftp://h/mcp"], "url must be http:// or https://"),
    ],
)
def test_bad_mcp_options_are_clear_errors(args: list[str], message: str) -> None:
    code, _, err = show(*args)

    assert code in (1, 2)
    assert message in err
    assert "secret-value" not in err
