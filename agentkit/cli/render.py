"""Show a run's events in the terminal (rich), or as one JSON object per line."""

from __future__ import annotations

import json
from dataclasses import fields, is_dataclass
from typing import Any

from pydantic import BaseModel
from rich.console import Console
from rich.status import Status
from rich.text import Text

from agentkit.events import (
    MessageCompletedEvent,
    MessageCreatedEvent,
    RetryEvent,
    RunEvent,
    RunStatusEvent,
    TextDeltaEvent,
    ToolCallFinishedEvent,
    ToolCallStartedEvent,
)
from agentkit.records import Run

__all__ = ["EventPrinter", "event_json", "format_arguments", "run_outcome", "shorten"]


def event_json(event: RunEvent) -> dict[str, Any]:
    """The event as a JSON-compatible dict, ``kind`` first, objects in their full form."""
    data = _plain(event)
    assert isinstance(data, dict)
    return {"kind": event.kind, **{k: v for k, v in data.items() if k != "kind"}}


def _plain(value: Any) -> Any:
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json")
    if is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name)) for f in fields(value)}
    return value


def shorten(text: str, limit: int = 160) -> str:
    """``text`` on one line, cut to ``limit`` characters with an ellipsis."""
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def format_arguments(arguments: str, limit: int = 120) -> str:
    """JSON arguments as ``name(key=value, ...)``-style text, cut to ``limit``."""
    try:
        parsed = json.loads(arguments or "{}")
    except ValueError:
        return shorten(arguments, limit)
    if not isinstance(parsed, dict):
        return shorten(arguments, limit)
    parts = [f"{key}={json.dumps(value, ensure_ascii=False)}" for key, value in parsed.items()]
    return shorten(", ".join(parts), limit)


def run_outcome(run: Run) -> str:
    """Why a run ended, in a few words (``failed (rate_limit_exceeded): ...``)."""
    if run.last_error is not None:
        return f"{run.status} ({run.last_error.code}): {shorten(run.last_error.message, 300)}"
    if run.incomplete_details is not None:
        return f"{run.status} ({run.incomplete_details.reason})"
    return run.status


class EventPrinter:
    """Prints a run's events as they arrive: streamed text, tool calls, a spinner, the end.

    Text goes to ``out``; tool calls, the spinner and status lines to ``info`` (the same
    console in a chat; stderr for ``agentkit run``, so stdout carries only the answer).
    """

    def __init__(self, out: Console, info: Console | None = None, *, label: str = "") -> None:
        self.out = out
        self.info = info or out
        self.label = label
        self._label_pending = False
        self._status: Status | None = None
        self._mid_line = False
        self._running: set[str] = set()

    def handle(self, event: RunEvent) -> None:
        """Show one event."""
        match event:
            case MessageCreatedEvent():
                self._label_pending = bool(self.label)
            case TextDeltaEvent(text=text):
                self._spin(None)
                if self._label_pending:
                    self._label_pending = False
                    self.out.print(Text(f"{self.label} › ", style="bold magenta"), end="")
                self.out.print(text, end="", markup=False, highlight=False, soft_wrap=True)
                self._mid_line = not text.endswith("\n")
            case MessageCompletedEvent():
                self._end_line()
            case ToolCallStartedEvent(call_id=call_id, name=name, arguments=arguments):
                self._running.add(call_id)
                self._line(
                    Text.assemble(
                        ("  → ", "cyan"), (name, "bold cyan"), f"({format_arguments(arguments)})"
                    )
                )
                self._spin(f"running {len(self._running)} tool call(s)…")
            case ToolCallFinishedEvent():
                self._running.discard(event.call_id)
                self._line(_finished(event))
                self._spin(
                    f"running {len(self._running)} tool call(s)…" if self._running else "thinking…"
                )
            case RetryEvent(target=target, attempt=attempt, delay=delay, error=error):
                self._line(
                    Text(
                        f"  ↻ {target} attempt {attempt} failed ({shorten(error, 120)}); "
                        f"retrying in {delay:.1f}s",
                        style="yellow",
                    )
                )
            case RunStatusEvent(run=run):
                self._status_changed(run)

    def close(self) -> None:
        """Stop the spinner and end a half-printed line."""
        self._spin(None)
        self._end_line()

    def _status_changed(self, run: Run) -> None:
        if run.status == "in_progress":
            self._spin("thinking…")
        elif run.status == "requires_action":
            self.close()
            self._line(Text("  ⏸ waiting for tool outputs", style="yellow"))
        elif run.status == "cancelled":
            self.close()
            self._line(Text("  ■ run cancelled", style="yellow"))
        elif run.is_terminal and run.status != "completed":
            self.close()
            self._line(Text(f"  ✗ run {run_outcome(run)}", style="red"))
        elif run.status == "completed":
            self.close()

    def _line(self, text: Text) -> None:
        self._end_line()
        self.info.print(text, highlight=False, soft_wrap=True)

    def _end_line(self) -> None:
        if self._mid_line:
            self.out.print()
            self._mid_line = False

    def _spin(self, message: str | None) -> None:
        if message is None:
            if self._status is not None:
                self._status.stop()
                self._status = None
            return
        if self._status is None:
            self._end_line()
            self._status = self.info.status(message, spinner="dots")
            self._status.start()
        else:
            self._status.update(message)


def _finished(event: ToolCallFinishedEvent) -> Text:
    took = f"  {event.duration_ms:.0f} ms"
    if event.error is not None:
        return Text.assemble(
            ("  ✗ ", "red"),
            (event.name, "bold red"),
            f" failed ({event.error.code}): {shorten(event.error.message, 200)}",
            (took, "dim"),
        )
    return Text.assemble(
        ("  ✓ ", "green"),
        (event.name, "bold green"),
        f" → {shorten(event.output, 200)}",
        (took, "dim"),
    )
