"""``agentkit tools``: inspect what the model will be told about tools."""

from __future__ import annotations

import json
import sys
from typing import Any

import click

from agentkit.agent import Agent
from agentkit.cli.loading import a_or_an, load_object
from agentkit.exceptions import UserError
from agentkit.tools.base import Tool
from agentkit.tools.definition import ToolDefinition
from agentkit.toolsets.base import Toolset
from agentkit.toolsets.combined import toolset_from
from agentkit.toolsets.packs import load_toolset

__all__ = ["tools"]


@click.group("tools")
def tools() -> None:
    """Inspect tools, toolsets and tool packs."""


@tools.command("show")
@click.argument("target", required=False)
@click.option("--pack", "pack", metavar="NAME", help="Load an installed tool pack by name.")
@click.option(
    "--format",
    "wire_format",
    type=click.Choice(["chat", "responses"]),
    default="chat",
    show_default=True,
    help="chat: nested shape (Chat Completions, Assistants); responses: flat shape.",
)
def show(target: str | None, pack: str | None, wire_format: str) -> None:
    """Print the tool definitions of TARGET (MODULE:ATTR or path/to/file.py:ATTR) as JSON.

    ATTR may be an agent (its tools), a tool, a toolset, or a list of tools.
    """
    if (target is None) == (pack is None):
        raise click.UsageError("give exactly one of TARGET or --pack NAME")
    try:
        toolset = load_toolset(pack) if pack is not None else _toolset_at(str(target))
        definitions = toolset.definitions()
    except UserError as exc:
        click.echo(f"Error: {exc}", err=True)
        sys.exit(1)
    rendered = [d.to_chat() if wire_format == "chat" else d.to_responses() for d in definitions]
    click.echo(json.dumps(rendered, indent=2, ensure_ascii=False))


def _toolset_at(target: str) -> Toolset:
    return _as_toolset(load_object(target), target)


def _as_toolset(value: Any, target: str) -> Toolset:
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
