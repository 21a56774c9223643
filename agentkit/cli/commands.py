"""The list of subcommands (one module per command group)."""

from __future__ import annotations

import click

from agentkit.cli.chat import chat
from agentkit.cli.mcp import mcp
from agentkit.cli.run import run
from agentkit.cli.serve import serve
from agentkit.cli.threads import threads
from agentkit.cli.tools import tools
from agentkit.cli.worker import worker

__all__ = ["ALL"]

ALL: list[click.Command] = []

ALL.append(tools)
ALL.append(serve)
ALL.append(chat)
ALL.append(run)
ALL.append(threads)
ALL.append(worker)
ALL.append(mcp)
