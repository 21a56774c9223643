"""``agentkit chat``: talk to an agent in the terminal, on a thread kept in SQLite."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator
from pathlib import Path
from typing import Any

import click
from rich.console import Console
from rich.text import Text

from agentkit.agent import Agent
from agentkit.cli.line_editing import history_path, line_editing
from agentkit.cli.model_options import ModelChoice, ModelOptions, model_options
from agentkit.cli.options import db_option, debug_option, reported_errors
from agentkit.cli.render import EventPrinter, format_arguments, shorten
from agentkit.cli.run import prepare_agent, stream_run
from agentkit.events import RunEvent
from agentkit.exceptions import AgentkitError, NotFoundError
from agentkit.records import Run, Thread
from agentkit.runner import Runner
from agentkit.stores.sqlite import SQLiteStore

__all__ = ["chat"]

EPILOG = """\b
Examples:
  agentkit chat examples/travel_planner.py:agent
  agentkit chat myapp.agents:support --thread thread_abc   # resume a conversation
  agentkit chat myapp.agents:support --db ~/chats.db --model gpt-5.1
  agentkit chat myapp.agents:support --offline             # no API, the test model

\b
In the chat: Enter sends; the arrow keys edit the line and recall earlier ones
(kept in ~/.local/state/agentkit/chat_history); Ctrl-C cancels the answer being
written (the thread is kept); Ctrl-D or 'exit' quits. A new thread is created with
the first message. When a tool needs a human (a bare ToolDefinition), you are asked
for its output.
"""

_QUIT = {"exit", "quit", "/exit", "/quit"}
_HISTORY_SHOWN = 20


@click.command("chat", epilog=EPILOG)
@click.argument("target", metavar="MODULE:AGENT")
@click.option("--thread", "thread_id", metavar="ID", help="Resume this thread (default: new).")
@db_option
@model_options
@debug_option
def chat(target: str, thread_id: str | None, db: Path, models: ModelOptions, debug: bool) -> None:
    """Chat with the agent MODULE:AGENT in the terminal.

    Answers stream as they are written; each tool call is shown with its arguments, its
    outcome and how long it took. The conversation is a thread in the SQLite file --db,
    created with the first message: its id is printed then and at the end, and
    --thread ID resumes it later.
    """
    with reported_errors(debug):
        agent, choice = prepare_agent(target, models)
        with asyncio.Runner() as loop:
            session = ChatSession(agent, Runner(SQLiteStore(db)), loop, target)
            try:
                session.start(thread_id, choice, db)
                with line_editing(history_path()):
                    session.converse()
            finally:
                loop.run(session.close(choice))


class ChatSession:
    """One terminal conversation: reads lines, runs the agent, shows the events.

    Input is read on the main thread between runs, and each run is driven on one event
    loop that lives as long as the session (the store and the model client stay bound to it).
    A new conversation's thread is created by its first message, so a chat left at once
    leaves no empty thread behind.
    """

    def __init__(self, agent: Agent[Any], runner: Runner, loop: asyncio.Runner, target: str):
        self.agent = agent
        self.runner = runner
        self.loop = loop
        self.target = target
        self.console = Console(soft_wrap=True)
        self.thread: Thread | None = None

    @property
    def thread_id(self) -> str:
        assert self.thread is not None, "start() or the first message opens the thread"
        return self.thread.id

    def start(self, thread_id: str | None, choice: ModelChoice, db: Path) -> None:
        """Say which model runs, then open (or create) the thread and show where we are."""
        if choice.offline:
            Console(stderr=True, soft_wrap=True).print(
                Text(f"agentkit: {choice.description}", style="yellow")
            )
        else:
            self.console.print(Text(f"model: {choice.description}", style="dim"))
        if thread_id is not None:
            self.thread = self.loop.run(self._open(thread_id, db))
        where = f"thread {thread_id} (resumed)" if thread_id else "new thread"
        self.console.print(
            Text(f"{self.agent.name} · {where}", style="bold"),
            Text("Ctrl-C cancels an answer · Ctrl-D or 'exit' quits", style="dim"),
            sep="\n",
        )
        if thread_id:
            pending = self.loop.run(self._show_history())
            if pending is not None:
                self._answer_tools(pending)

    def converse(self) -> None:
        """Read a line, run the agent on it, repeat until Ctrl-D or ``exit``."""
        while True:
            try:
                line = input("you › ")
            except EOFError:
                self.console.print()
                return
            except KeyboardInterrupt:
                self.console.print(Text("\n(Ctrl-D or 'exit' quits)", style="dim"))
                continue
            if line.strip() in _QUIT:
                return
            if line.strip():
                self._turn(line)

    async def close(self, choice: ModelChoice) -> None:
        """Close the store (and the model, if the CLI built it); print how to resume."""
        try:
            await self.runner.aclose()
        finally:
            if choice.owned:
                await choice.model.aclose()
        if self.thread is not None:
            self.console.print(
                Text(
                    f"thread {self.thread.id} · resume with: agentkit chat {self.target} "
                    f"--thread {self.thread.id}",
                    style="dim",
                )
            )

    def _turn(self, text: str) -> None:
        if self.thread is None:
            self.thread = self.loop.run(self._create_thread())
            self.console.print(Text(f"thread {self.thread.id} (new)", style="dim"))
        events = self.runner.iter_run(self.agent, text, thread=self.thread_id)
        run = self._drive(events)
        if run is not None and run.status == "requires_action":
            self._answer_tools(run)

    def _drive(self, events: AsyncGenerator[RunEvent, None]) -> Run | None:
        printer = EventPrinter(self.console, label=self.agent.name)
        try:
            result = self.loop.run(stream_run(self.runner, events, printer.handle))
        except AgentkitError as exc:
            printer.close()
            self.console.print(Text(f"error: {shorten(str(exc), 300)}", style="red"))
            return None
        finally:
            printer.close()
        return result.run

    def _answer_tools(self, run: Run) -> None:
        """Ask the human for each pending call's output, submit them, repeat while paused."""
        while run.status == "requires_action" and run.required_action is not None:
            calls = run.required_action.submit_tool_outputs.tool_calls
            self.console.print(
                Text("The agent needs you to answer (Ctrl-C cancels):", style="yellow")
            )
            outputs: dict[str, str] = {}
            try:
                for call in calls:
                    args = format_arguments(call.function.arguments)
                    outputs[call.id] = input(f"{call.function.name}({args}) › ")
            except (EOFError, KeyboardInterrupt):
                self.loop.run(self.runner.cancel(run.id))
                self.console.print(Text("\n  ■ run cancelled", style="yellow"))
                return
            events = self.runner.iter_submit_tool_outputs(self.agent, run.id, outputs)
            next_run = self._drive(events)
            if next_run is None:
                return
            run = next_run

    async def _create_thread(self) -> Thread:
        return await self.runner.create_thread(metadata={"agent": self.agent.name})

    async def _open(self, thread_id: str, db: Path) -> Thread:
        try:
            return await self.runner.store.get_thread(thread_id)
        except NotFoundError:
            raise NotFoundError(f"no thread {thread_id!r} in {str(db)!r}") from None

    async def _show_history(self) -> Run | None:
        """Print the thread's last messages; return its last run if it waits for outputs."""
        messages = await self.runner.store.list_messages(self.thread_id)
        if len(messages) > _HISTORY_SHOWN:
            self.console.print(Text(f"… {len(messages) - _HISTORY_SHOWN} earlier", style="dim"))
        for message in messages[-_HISTORY_SHOWN:]:
            who = "you" if message.role == "user" else self.agent.name
            self.console.print(Text(f"{who} › {message.text}", style="dim"), soft_wrap=True)
        runs = await self.runner.store.list_runs(self.thread_id, limit=1)
        if runs and runs[0].status == "requires_action":
            return runs[0]
        return None
