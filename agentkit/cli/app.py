"""The root ``agentkit`` command group; subcommands register themselves here."""

from __future__ import annotations

import click

from agentkit.cli import commands

__all__ = ["cli"]


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="agentkit-assistants")
def cli() -> None:
    """agentkit: tool-using AI assistants on asyncio."""


for command in commands.ALL:
    cli.add_command(command)
