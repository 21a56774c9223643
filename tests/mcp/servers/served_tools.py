"""Tools `agentkit mcp serve` serves in the tests: sync and async, images, errors, an agent."""

from __future__ import annotations

import threading
from typing import Any

from agentkit import Agent, ModelRetry, RunContext, tool
from agentkit.tools.images import attach_image
from agentkit.toolsets import FunctionToolset

_signal = threading.Event()


@tool
def add(a: int, b: int = 2) -> int:
    """Add two integers.

    Args:
        a: The first.
        b: The second.
    """
    return a + b


@tool
def wait_for_signal() -> str:
    """Block (a sync tool, in a worker thread) until `send_signal` is called."""
    return "signalled" if _signal.wait(timeout=30) else "no signal"


@tool
def send_signal() -> str:
    """Release `wait_for_signal`: possible only while the event loop is free."""
    _signal.set()
    return "sent"


@tool
def snapshot(ctx: RunContext[Any]) -> str:
    """A caption, with an image attached."""
    attach_image(ctx, "data:image/png;base64,iVBORw0KGgo=")
    return "a tiny picture"


@tool
def pick(color: str) -> str:
    """Pick a color the tool knows."""
    if color not in ("red", "blue"):
        raise ModelRetry(f"unknown color {color!r}; use red or blue")
    return color


@tool(strict=False)
def loose(note: str) -> str:
    """A tool its author keeps non-strict."""
    return note


toolset = FunctionToolset([add, wait_for_signal, send_signal, snapshot, pick, loose])

helper = Agent(
    name="Helper bot",
    model="test",
    description="Answers one question.",
    instructions="Be brief.",
)
