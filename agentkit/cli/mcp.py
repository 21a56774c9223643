"""``agentkit mcp``: serve tools, toolsets, tool packs and agents as an MCP server."""

from __future__ import annotations

import asyncio
import contextlib
import sys
from types import ModuleType
from typing import Any

import click

from agentkit.agent import Agent
from agentkit.cli.loading import load_object
from agentkit.cli.tools import as_toolset
from agentkit.exceptions import AgentkitError, UserError
from agentkit.toolsets.base import Toolset
from agentkit.toolsets.packs import load_toolset

__all__ = ["mcp"]


@click.group("mcp")
def mcp() -> None:
    """Model Context Protocol: serve agentkit tools to MCP clients."""


@mcp.command("serve")
@click.argument("target")
@click.option("--http", "use_http", is_flag=True, help="Serve streamable HTTP, not stdio.")
@click.option("--host", default="127.0.0.1", show_default=True, help="With --http.")
@click.option("--port", default=8000, show_default=True, type=int, help="With --http (0: any).")
@click.option(
    "--api-key-file",
    metavar="PATH",
    type=click.Path(dir_okay=False),
    help="With --http: a file of client keys, one KEY a line (or AGENTKIT_API_KEYS=KEY,...).",
)
@click.option("--name", default="agentkit", show_default=True, help="The server's name.")
def serve(
    target: str, use_http: bool, host: str, port: int, api_key_file: str | None, name: str
) -> None:
    """Serve TARGET's tools over MCP (stdio, or streamable HTTP with --http).

    TARGET is MODULE:ATTR or path/to/file.py:ATTR naming a tool, a toolset, a list of
    tools, or an Agent (served as one tool: input -> the agent's final answer); without a
    colon, it names an installed tool pack. Over HTTP, clients send
    "Authorization: Bearer KEY" with a key from AGENTKIT_API_KEYS or --api-key-file.
    """
    try:
        from agentkit import mcp as agentkit_mcp
    except ImportError as exc:
        click.echo(
            f"Error: 'agentkit mcp' needs the 'mcp' extra ({exc.name} is missing).", err=True
        )
        sys.exit(2)
    try:
        toolset = _target_toolset(target, agentkit_mcp.AgentTool)
        keys = _keys(api_key_file) if use_http else []
    except UserError as exc:
        click.echo(f"Error: {exc}", err=True)
        sys.exit(2)
    try:
        with contextlib.suppress(KeyboardInterrupt):
            asyncio.run(_serve(agentkit_mcp, toolset, name, use_http, host, port, keys))
    except AgentkitError as exc:
        click.echo(f"Error: {exc}", err=True)
        sys.exit(1)


async def _serve(
    agentkit_mcp: ModuleType,
    toolset: Toolset,
    name: str,
    use_http: bool,
    host: str,
    port: int,
    keys: list[str],
) -> None:
    await toolset.prepare()
    try:
        server = agentkit_mcp.mcp_server(toolset, name=name)
        if not use_http:
            await agentkit_mcp.serve_stdio(server)
            return

        def ready(url: str) -> None:
            click.echo(f"agentkit mcp serve: {url} ({len(toolset.names())} tools)", err=True)

        await agentkit_mcp.serve_http(server, keys=keys, host=host, port=port, on_ready=ready)
    finally:
        await toolset.aclose()


def _target_toolset(target: str, agent_tool: Any) -> Toolset:
    if ":" not in target:
        return load_toolset(target)
    value = load_object(target)
    if isinstance(value, Agent):
        value = agent_tool(value)
    return as_toolset(value, target)


def _keys(api_key_file: str | None) -> list[str]:
    from agentkit.server.config import parse_api_keys  # the server extra, as for `serve`

    keys = list(parse_api_keys(key_file=api_key_file))
    if not keys:
        raise UserError(
            "serving MCP over HTTP requires a key: set AGENTKIT_API_KEYS=KEY or pass --api-key-file"
        )
    return keys
