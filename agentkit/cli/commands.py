"""The list of subcommands (one module per command group)."""

from __future__ import annotations

import click

__all__ = ["ALL"]

ALL: list[click.Command] = []
