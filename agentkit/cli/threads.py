"""``agentkit threads``: what the SQLite store holds — threads, runs, steps, tool calls."""

from __future__ import annotations

import asyncio
import json
from datetime import datetime
from pathlib import Path
from typing import Any

import click
from rich.console import Console, Group
from rich.table import Table
from rich.text import Text
from rich.tree import Tree

from agentkit.cli.options import db_option, debug_option, reported_errors
from agentkit.cli.render import format_arguments, run_outcome, shorten
from agentkit.exceptions import NotFoundError, UserError
from agentkit.records import (
    FunctionToolCall,
    Message,
    MessageCreationStepDetails,
    Run,
    RunStep,
    Thread,
)
from agentkit.stores.sqlite import SQLiteStore

__all__ = ["threads"]

EPILOG = """\b
Examples:
  agentkit threads list
  agentkit threads list --db ~/chats.db --limit 50
  agentkit threads show thread_abc
  agentkit threads show thread_abc --json
"""


@click.group("threads", epilog=EPILOG)
def threads() -> None:
    """Inspect the threads, runs, steps and tool calls in a SQLite store."""


@threads.command("list", epilog=EPILOG)
@click.option("--limit", default=20, show_default=True, help="How many threads, newest first.")
@db_option
@debug_option
def list_threads(limit: int, db: Path, debug: bool) -> None:
    """List the newest threads with their first message and their last run."""
    with reported_errors(debug):
        rows = asyncio.run(_thread_rows(_existing(db), limit))
    if not rows:
        click.echo(f"no threads in {db}")
        return
    table = Table(box=None)
    table.add_column("thread", no_wrap=True)
    table.add_column("created", no_wrap=True)
    table.add_column("messages", justify="right", no_wrap=True)
    table.add_column("last run", no_wrap=True)
    table.add_column("first message", overflow="ellipsis", no_wrap=True)
    for row in rows:
        table.add_row(*row)
    _console().print(table)


@threads.command("show", epilog=EPILOG)
@click.argument("thread_id", metavar="ID")
@click.option(
    "--json", "as_json", is_flag=True, help="Print the thread, messages and runs as JSON."
)
@db_option
@debug_option
def show(thread_id: str, as_json: bool, db: Path, debug: bool) -> None:
    """Show a thread: its messages, and each run with its steps and tool calls.

    Tool calls are shown with their arguments, output, error and duration.
    """
    with reported_errors(debug):
        thread, messages, runs = asyncio.run(_load_thread(_existing(db), thread_id))
    if as_json:
        data = {
            "thread": thread.model_dump(mode="json"),
            "messages": [m.model_dump(mode="json") for m in messages],
            "runs": [
                {**run.model_dump(mode="json"), "steps": [s.model_dump(mode="json") for s in steps]}
                for run, steps in runs
            ],
        }
        click.echo(json.dumps(data, indent=2, ensure_ascii=False))
        return
    _console().print(_thread_view(thread, messages, runs))


def _console() -> Console:
    # Piped output is not cut to 80 columns: ids must stay whole for copy and paste.
    console = Console(soft_wrap=True)
    if not console.is_terminal:
        console.width = 200
    return console


def _existing(db: Path) -> Path:
    # Inspecting must not create an empty database by mistake.
    if not db.is_file():
        raise UserError(f"no database at {str(db)!r} (--db PATH or AGENTKIT_DB)")
    return db


async def _thread_rows(db: Path, limit: int) -> list[tuple[str, str, str, str, str]]:
    rows = []
    async with SQLiteStore(db) as store:
        for thread in await store.list_threads(limit=limit):
            messages = await store.list_messages(thread.id)
            runs = await store.list_runs(thread.id, limit=1)
            first = next((m.text for m in messages if m.role == "user"), "")
            last_run = f"{runs[0].status}" if runs else "-"
            rows.append(
                (
                    thread.id,
                    _when(thread.created_at),
                    str(len(messages)),
                    last_run,
                    shorten(first, 50),
                )
            )
    return rows


async def _load_thread(
    db: Path, thread_id: str
) -> tuple[Thread, list[Message], list[tuple[Run, list[RunStep]]]]:
    async with SQLiteStore(db) as store:
        try:
            thread = await store.get_thread(thread_id)
        except NotFoundError:
            raise NotFoundError(f"no thread {thread_id!r} in {str(db)!r}") from None
        messages = await store.list_messages(thread_id)
        runs = await store.list_runs(thread_id, order="asc")
        return thread, messages, [(run, await store.list_steps(run.id)) for run in runs]


def _when(timestamp: int | None) -> str:
    if timestamp is None:
        return "-"
    return datetime.fromtimestamp(timestamp).strftime("%Y-%m-%d %H:%M:%S")


def _thread_view(
    thread: Thread, messages: list[Message], runs: list[tuple[Run, list[RunStep]]]
) -> Group:
    """The conversation in order: each user message, then the run it started, its steps."""
    header = Text.assemble(
        (f"thread {thread.id}", "bold"),
        f"  created {_when(thread.created_at)}",
        f"  metadata {json.dumps(thread.metadata)}" if thread.metadata else "",
    )
    parts: list[Any] = [header]
    by_id = {m.id: m for m in messages}
    shown: set[str] = set()
    pending_runs = list(runs)
    answered: set[str] = set()
    for message in messages:
        if message.role == "assistant" and message.run_id is not None:
            answered.add(message.run_id)  # shown inside its run
            continue
        # Timestamps are whole seconds: a run that already answered is known to come first.
        while pending_runs and (
            pending_runs[0][0].created_at < message.created_at or pending_runs[0][0].id in answered
        ):
            parts.append(_run_tree(*pending_runs.pop(0), by_id, shown))
        parts.append(_message_line(message))
    parts.extend(_run_tree(run, steps, by_id, shown) for run, steps in pending_runs)
    return Group(*parts)


def _message_line(message: Message) -> Text:
    style = "bold" if message.role == "user" else "magenta"
    return Text.assemble((f"{message.role} › ", style), message.text)


def _run_tree(
    run: Run, steps: list[RunStep], messages: dict[str, Message], shown: set[str]
) -> Tree:
    usage = run.usage.total_tokens if run.usage else 0
    label = Text.assemble(
        (f"run {run.id}", "cyan"),
        f"  {run_outcome(run)}",
        (f"  model {run.model}  {usage} tokens  {_when(run.created_at)}", "dim"),
    )
    tree = Tree(label)
    for step in steps:
        details = step.step_details
        if isinstance(details, MessageCreationStepDetails):
            message = messages.get(details.message_creation.message_id)
            if message is not None:
                shown.add(message.id)
                tree.add(_message_line(message))
            continue
        branch = tree.add(Text(f"tool calls ({step.status})", style="dim"))
        for call in details.tool_calls:
            branch.add(_call_line(call, step.status))
    return tree


def _call_line(call: FunctionToolCall, step_status: str) -> Text:
    took = f"  {call.duration_ms:.0f} ms" if call.duration_ms is not None else ""
    arguments = format_arguments(call.function.arguments)
    head = Text.assemble((call.function.name, "bold"), f"({arguments})")
    if call.error is not None:
        head.append(f" ✗ {call.error.code}: {shorten(call.error.message, 200)}", style="red")
    elif call.function.output is None:
        waiting = step_status == "in_progress"
        head.append(" … waiting for its output" if waiting else f" ({step_status})", style="yellow")
    else:
        head.append(f" → {shorten(call.function.output, 200)}")
    head.append(took, style="dim")
    return head
