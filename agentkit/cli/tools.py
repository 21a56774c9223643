"""``agentkit tools``: inspect what the model will be told about tools."""

from __future__ import annotations

import importlib
import importlib.util
import json
import sys
from pathlib import Path
from typing import Any

import click

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

    ATTR may be a tool, a toolset, or a list of tools.
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
    location, sep, attr = target.rpartition(":")
    if not sep or not location or not attr:
        raise UserError(f"{target!r} is not MODULE:ATTR or path/to/file.py:ATTR")
    module = _import(location)
    value: Any = module
    for part in attr.split("."):
        if not hasattr(value, part):
            raise UserError(f"{location!r} has no attribute {attr!r}")
        value = getattr(value, part)
    return _as_toolset(value, target)


def _import(location: str) -> Any:
    try:
        if location.endswith(".py") or "/" in location:
            return _import_file(Path(location))
        return importlib.import_module(location)
    except UserError:
        raise
    except Exception as exc:  # the user's module failed: report it in one line
        raise UserError(f"cannot import {location!r}: {type(exc).__name__}: {exc}") from exc


def _import_file(path: Path) -> Any:
    if not path.is_file():
        raise UserError(f"no such file: {str(path)!r}")
    name = f"_agentkit_cli_{path.stem}"
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None or spec.loader is None:
        raise UserError(f"cannot load {str(path)!r} as a Python module")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # pydantic and dataclasses resolve types through sys.modules
    spec.loader.exec_module(module)
    return module


def _as_toolset(value: Any, target: str) -> Toolset:
    if isinstance(value, Toolset):
        return value
    if isinstance(value, Tool | ToolDefinition) or callable(value):
        return toolset_from([value])
    if isinstance(value, list | tuple):
        return toolset_from(value)
    raise UserError(
        f"{target!r} is a {type(value).__name__}, not a tool, a toolset or a list of tools"
    )
