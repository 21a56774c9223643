"""The ``agentkit`` command line. Each command group lives in its own module."""

from __future__ import annotations

import sys

__all__ = ["main"]


def main() -> None:
    """Entry point of the ``agentkit`` script."""
    try:
        from agentkit.cli.app import cli
    except ImportError as exc:  # click and rich are the `cli` extra
        sys.stderr.write(
            f"agentkit: the command line needs the 'cli' extra ({exc.name} is missing).\n"
            "Install it with: pip install 'agentkit-assistants[cli]'\n"
        )
        raise SystemExit(2) from None
    cli()
