"""``agentkit run``: one run of an agent, its answer on stdout (or its events as JSON lines)."""

from __future__ import annotations

import asyncio
import json
import signal
import sys
from collections.abc import AsyncGenerator, Callable
from contextlib import aclosing, suppress
from pathlib import Path
from typing import Any

import click
from rich.console import Console
from rich.text import Text

from agentkit.agent import Agent
from agentkit.cli.loading import load_agent
from agentkit.cli.model_options import (
    ModelChoice,
    ModelOptions,
    agents_model,
    choose_model,
    model_options,
    with_model,
)
from agentkit.cli.options import db_option, debug_option, reported_errors
from agentkit.cli.render import EventPrinter, event_json, format_arguments, run_outcome
from agentkit.events import RunEvent, RunStatusEvent
from agentkit.exceptions import AgentkitError, NotFoundError
from agentkit.runner import Runner
from agentkit.runs.result import RunResult, RunResultBuilder
from agentkit.stores.sqlite import SQLiteStore

__all__ = ["EXIT_CODES", "prepare_agent", "run", "stream_run"]

EXIT_CODES = {"completed": 0, "requires_action": 3, "cancelled": 130}
"""Exit status by run status; any other ending (failed, incomplete, expired) exits 1."""

EPILOG = """\b
Examples:
  agentkit run examples/travel_planner.py:agent "Plan 3 days in Lisbon"
  agentkit run myapp.agents:support "Where is order 42?" --thread thread_abc
  agentkit run myapp.agents:support "Hi" --json
  agentkit run myapp.agents:support "Hi" --model gpt-5.1   # with OPENAI_API_KEY set
  agentkit run myapp.agents:support "Hi" --base-url http://localhost:11434/v1 \\
      --api chat --model llama3.1

\b
Exit status: 0 completed, 1 failed/incomplete/expired or an error, 3 paused in
requires_action (answer it with `agentkit chat TARGET --thread ID`), 130 cancelled.
"""


@click.command("run", epilog=EPILOG)
@click.argument("target", metavar="MODULE:AGENT")
@click.argument("text", metavar="INPUT")
@click.option("--thread", "thread_id", metavar="ID", help="Continue this thread (default: new).")
@click.option("--json", "as_json", is_flag=True, help="Print every event as one JSON line.")
@db_option
@model_options
@debug_option
def run(
    target: str,
    text: str,
    thread_id: str | None,
    as_json: bool,
    db: Path,
    models: ModelOptions,
    debug: bool,
) -> None:
    """Run the agent MODULE:AGENT once on INPUT and print its answer.

    MODULE:AGENT is an importable module (or path/to/file.py) and the name of an Agent in
    it. The thread is kept in the SQLite file --db, so it can be continued with --thread
    or `agentkit chat`. Tool calls and the run's outcome go to stderr; stdout gets only the
    answer (or, with --json, one JSON object per event).
    """
    err = Console(stderr=True, soft_wrap=True)
    with reported_errors(debug):
        agent, choice = prepare_agent(target, models)
        if choice.offline:
            err.print(Text(f"agentkit: {choice.description}", style="yellow"))
        result = asyncio.run(_run_once(agent, choice, text, thread_id, db, as_json, err))
    if not as_json:
        _summarize(result, target, err)
    sys.exit(EXIT_CODES.get(result.status, 1))


def prepare_agent(target: str, options: ModelOptions) -> tuple[Agent[Any], ModelChoice]:
    """Load the agent and put it on the model the flags and environment choose."""
    agent = load_agent(target)
    choice = choose_model(agents_model(agent, options), options)
    return with_model(agent, choice), choice


async def stream_run(
    runner: Runner,
    events: AsyncGenerator[RunEvent, None],
    handle: Callable[[RunEvent], None],
) -> RunResult:
    """Pass each event of a run to ``handle``; Ctrl-C cancels the run (recorded ``cancelled``)."""
    builder = RunResultBuilder()
    run_ids: list[str] = []
    cancels: list[asyncio.Task[None]] = []

    def interrupted() -> None:
        if run_ids and not cancels:
            cancels.append(asyncio.create_task(_cancel(runner, run_ids[0])))

    loop = asyncio.get_running_loop()
    with suppress(NotImplementedError):  # no signal handlers on Windows' event loop
        loop.add_signal_handler(signal.SIGINT, interrupted)
    try:
        async with aclosing(events) as stream:
            async for event in stream:
                if not run_ids and isinstance(event, RunStatusEvent):
                    run_ids.append(event.run.id)
                builder.add(event)
                handle(event)
    finally:
        with suppress(NotImplementedError):
            loop.remove_signal_handler(signal.SIGINT)
        for task in cancels:
            await task
    return builder.result()


async def _cancel(runner: Runner, run_id: str) -> None:
    # The run may end on its own while the cancel is on its way.
    with suppress(AgentkitError):
        await runner.cancel(run_id)


async def _run_once(
    agent: Agent[Any],
    choice: ModelChoice,
    text: str,
    thread_id: str | None,
    db: Path,
    as_json: bool,
    err: Console,
) -> RunResult:
    async with Runner(SQLiteStore(db)) as runner:
        try:
            if thread_id is not None:
                await _check_thread(runner, thread_id, db)
            handle = _print_json if as_json else EventPrinter(Console(soft_wrap=True), err).handle
            events = runner.iter_run(agent, text, thread=thread_id)
            return await stream_run(runner, events, handle)
        finally:
            if choice.owned:
                await choice.model.aclose()


async def _check_thread(runner: Runner, thread_id: str, db: Path) -> None:
    try:
        await runner.store.get_thread(thread_id)
    except NotFoundError:
        raise NotFoundError(f"no thread {thread_id!r} in {str(db)!r}") from None


def _print_json(event: RunEvent) -> None:
    click.echo(json.dumps(event_json(event), ensure_ascii=False))


def _summarize(result: RunResult, target: str, err: Console) -> None:
    run = result.run
    if run.status == "requires_action":
        for call in result.pending_tool_calls:
            arguments = format_arguments(call.function.arguments)
            err.print(Text(f"  waiting for {call.function.name}({arguments})  [{call.id}]"))
        err.print(f"answer it with: agentkit chat {target} --thread {run.thread_id}", markup=False)
    tokens = result.usage.total_tokens
    calls = len(result.tool_calls)
    err.print(
        Text(
            f"run {run.id} {run_outcome(run)} · thread {run.thread_id} · "
            f"{calls} tool call(s) · {tokens} tokens",
            style="dim" if run.status == "completed" else "yellow",
        )
    )
