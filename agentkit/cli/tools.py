"""``agentkit tools``: inspect what the model will be told about tools."""

from __future__ import annotations

import asyncio
import json
import shlex
import sys
import warnings
from typing import Any

import click

from agentkit.agent import Agent
from agentkit.cli.loading import a_or_an, load_object
from agentkit.exceptions import AgentkitError, UserError
from agentkit.tools.base import Tool
from agentkit.tools.definition import ToolDefinition
from agentkit.toolsets.base import Toolset
from agentkit.toolsets.combined import toolset_from
from agentkit.toolsets.packs import load_toolset

__all__ = ["as_toolset", "tools"]


@click.group("tools")
def tools() -> None:
    """Inspect tools, toolsets, tool packs and MCP servers."""


@tools.command("show")
@click.argument("target", required=False)
@click.option("--pack", "pack", metavar="NAME", help="Load an installed tool pack by name.")
@click.option("--mcp", "mcp_command", metavar="COMMAND", help="An MCP server's command (stdio).")
@click.option("--mcp-url", metavar="URL", help="An MCP server's streamable-HTTP endpoint.")
@click.option(
    "--header",
    "headers",
    multiple=True,
    metavar="NAME:VALUE",
    help="An HTTP header for --mcp-url (repeatable).",
)
@click.option(
    "--format",
    "wire_format",
    type=click.Choice(["chat", "responses"]),
    default="chat",
    show_default=True,
    help="chat: nested shape (Chat Completions, Assistants); responses: flat shape.",
)
def show(
    target: str | None,
    pack: str | None,
    mcp_command: str | None,
    mcp_url: str | None,
    headers: tuple[str, ...],
    wire_format: str,
) -> None:
    """Print the tool definitions of TARGET (MODULE:ATTR or path/to/file.py:ATTR) as JSON.

    ATTR may be an agent (its tools), a tool, a toolset (an MCPToolset too), or a list of
    tools. With --mcp or --mcp-url, the tools of that MCP server, with the schemas agentkit
    would send; a tool sent non-strict is reported on stderr with the reason.
    """
    sources = [target, pack, mcp_command, mcp_url]
    if sum(source is not None for source in sources) != 1:
        raise click.UsageError("give exactly one of TARGET, --pack, --mcp or --mcp-url")
    try:
        toolset = _toolset(target, pack, mcp_command, mcp_url, headers)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            definitions = asyncio.run(_definitions(toolset))
    except AgentkitError as exc:
        click.echo(f"Error: {exc}", err=True)
        sys.exit(1)
    for warning in caught:
        click.echo(f"Warning: {warning.message}", err=True)
    rendered = [d.to_chat() if wire_format == "chat" else d.to_responses() for d in definitions]
    click.echo(json.dumps(rendered, indent=2, ensure_ascii=False))


async def _definitions(toolset: Toolset) -> list[ToolDefinition]:
    try:
        await toolset.prepare()
        return toolset.definitions()
    finally:
        await toolset.aclose()


def _toolset(
    target: str | None,
    pack: str | None,
    mcp_command: str | None,
    mcp_url: str | None,
    headers: tuple[str, ...],
) -> Toolset:
    if pack is not None:
        return load_toolset(pack)
    if target is not None:
        return as_toolset(load_object(target), target)
    try:
        from agentkit.mcp import MCPToolset
    except ImportError as exc:
        raise UserError(f"--mcp needs the 'mcp' extra ({exc.name} is missing)") from None
    if mcp_command is not None:
        return MCPToolset(shlex.split(mcp_command))
    return MCPToolset(url=mcp_url, headers=_headers(headers))


def _headers(values: tuple[str, ...]) -> dict[str, str]:
    headers = {}
    for number, value in enumerate(values, 1):
        name, sep, content = value.partition(":")
        if not sep or not name.strip():
            # Name the position, never the value: it may be a credential.
            raise UserError(f"--header takes NAME:VALUE; header {number} has no name")
        headers[name.strip()] = content.strip()
    return headers


def as_toolset(value: Any, target: str) -> Toolset:
    """``value`` (an agent's tools, a tool, toolset, function or list of them) as a toolset.

    Raises:
        UserError: ``value`` is none of those.
    """
    if isinstance(value, Agent):
        return value.toolset
    if isinstance(value, Toolset):
        return value
    if isinstance(value, Tool | ToolDefinition) or callable(value):
        return toolset_from([value])
    if isinstance(value, list | tuple):
        return toolset_from(value)
    kind = type(value).__name__
    raise UserError(
        f"{target!r} is {a_or_an(kind)} {kind}, not an agent, a tool, a toolset or a list of tools"
    )
