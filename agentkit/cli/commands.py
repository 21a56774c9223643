"""The list of subcommands (one module per command group)."""

from __future__ import annotations

import click

from agentkit.cli.serve import serve
from agentkit.cli.tools import tools

__all__ = ["ALL"]

ALL: list[click.Command] = []

ALL.append(tools)
ALL.append(serve)
