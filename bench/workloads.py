"""The in-process contenders (the raw loop and agentkit) and workloads W1, W2 and stores.

Each contender is built as ``async def run(question) -> None`` over one SDK client; the
workloads time them against the same fake server. The raw loop and agentkit are measured in
interleaved blocks so that drift (CPU frequency, the server warming up) hits both alike.
"""

from __future__ import annotations

import sqlite3
import tempfile
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from measure import Summary, summarize, time_runs
from raw_loop import INSTRUCTIONS, ToolClock, make_client, make_tools, raw_run

from agentkit import Agent, Runner, tool
from agentkit.models import ResponsesModel
from agentkit.stores import SQLiteStore
from agentkit.stores.base import Store

RunFn = Callable[[str], Awaitable[Any]]

__all__ = [
    "Contender",
    "agentkit_contender",
    "default_contender",
    "raw_contender",
    "raw_name",
    "store_costs",
    "w1",
    "w2",
]


@dataclass
class Contender:
    """A named way of doing one run, and what to close afterwards."""

    name: str
    run: RunFn
    closers: list[Callable[[], Awaitable[Any]]] = field(default_factory=list)

    async def aclose(self) -> None:
        for close in self.closers:
            await close()


def raw_contender(
    url: str,
    *,
    stream: bool,
    tool_name: str,
    clock: ToolClock,
    sleep_s: float = 0.1,
    shortcut: bool = True,
) -> Contender:
    """The floor: the hand-written loop of `raw_loop` (by default with agentkit's shortcut)."""
    client = make_client(url)
    tools = make_tools(clock, sleep_s)

    async def run(question: str) -> None:
        await raw_run(client, tools, tool_name, question, stream=stream, shortcut=shortcut)

    return Contender(raw_name(stream, shortcut), run, [client.close])


def raw_name(stream: bool, shortcut: bool) -> str:
    """The raw loop's row label: its streaming mode and SDK path."""
    mode = "stream" if stream else "non-stream"
    return f"raw openai ({mode}, {'JSON' if shortcut else 'plain SDK'})"


def default_contender(url: str, *, clock: ToolClock, connections: int = 100) -> Contender:
    """agentkit as a user gets it: ``agent.run()`` with no options (its own runner; its model
    calls are plain requests, since nobody reads the run live)."""
    func = make_tools(clock, 0.1)["lookup_async"]
    agent: Agent[None] = Agent(
        name="bench",
        model=ResponsesModel("gpt-bench", client=make_client(url, connections)),
        instructions=INSTRUCTIONS,
        tools=[tool(name="lookup", description="A benchmark tool.")(func)],
    )

    async def run(question: str) -> None:
        result = await agent.run(question)
        if result.status != "completed":
            raise RuntimeError(f"agentkit run ended {result.status}: {result.run.last_error}")

    assert isinstance(agent.model, ResponsesModel)
    return Contender("agentkit default: agent.run()", run, [agent.model.client.close])


def agentkit_agent(
    url: str,
    *,
    stream: bool,
    tool_name: str,
    clock: ToolClock,
    sleep_s: float = 0.1,
    connections: int = 100,
) -> Agent[None]:
    """An agentkit `Agent` over `ResponsesModel` with the benchmark tool.

    ``lookup_async`` is offered to the model as ``lookup``: the raw loop calls its instant
    sync ``lookup`` inline, which in agentkit is what an ``async def`` tool does (a sync tool
    runs in a worker thread, safe for blocking code; the ``sync tool`` rows measure that).
    """
    func = make_tools(clock, sleep_s)[tool_name]
    name = tool_name.removesuffix("_async") if tool_name.startswith("lookup") else tool_name
    model = ResponsesModel("gpt-bench", client=make_client(url, connections), stream=stream)
    return Agent(
        name="bench",
        model=model,
        instructions=INSTRUCTIONS,
        tools=[tool(name=name, description="A benchmark tool.")(func)],
    )


def agentkit_contender(
    url: str,
    *,
    stream: bool,
    tool_name: str,
    clock: ToolClock,
    store: Store | None = None,
    sleep_s: float = 0.1,
) -> Contender:
    """agentkit: `Runner.run` over a memory store (default) or the given one."""
    agent = agentkit_agent(url, stream=stream, tool_name=tool_name, clock=clock, sleep_s=sleep_s)
    runner = Runner(store)

    async def run(question: str) -> None:
        result = await runner.run(agent, question)
        if result.status != "completed":
            raise RuntimeError(f"agentkit run ended {result.status}: {result.run.last_error}")

    kind = "memory" if store is None else type(store).__name__
    sync = ", sync tool" if tool_name == "lookup" else ""
    label = f"agentkit ({'stream' if stream else 'non-stream'}, {kind}{sync})"
    assert isinstance(agent.model, ResponsesModel)
    return Contender(label, run, [runner.aclose, agent.model.client.close])


async def interleaved(
    contenders: list[Contender],
    question: str,
    *,
    runs: int,
    warmup: int,
    blocks: int = 10,
    cpu: dict[str, list[float]] | None = None,
) -> dict[str, list[float]]:
    """Time each contender in ``blocks`` alternating blocks of ``runs / blocks`` runs.

    With ``cpu``, each contender's per-run CPU times are collected there too.
    """
    samples: dict[str, list[float]] = {c.name: [] for c in contenders}
    per_block = max(1, runs // blocks)
    for number in range(blocks):
        for contender in contenders:
            samples[contender.name] += await time_runs(
                lambda c=contender: c.run(question),  # type: ignore[misc]
                runs=per_block,
                warmup=warmup if number == 0 else 2,
                cpu=None if cpu is None else cpu.setdefault(contender.name, []),
            )
    return samples


async def w1(
    url: str, *, runs: int, sqlite_dir: Path
) -> tuple[dict[str, Summary], dict[str, Summary]]:
    """W1: one instant tool call then the answer, sequential runs: wall and CPU per contender."""
    clock = ToolClock()
    contenders = []
    for stream in (False, True):
        contenders += [
            raw_contender(url, stream=stream, tool_name="lookup", clock=clock, shortcut=False),
            raw_contender(url, stream=stream, tool_name="lookup", clock=clock),
            agentkit_contender(url, stream=stream, tool_name="lookup_async", clock=clock),
            agentkit_contender(
                url,
                stream=stream,
                tool_name="lookup_async",
                clock=clock,
                store=SQLiteStore(sqlite_dir / f"w1-{stream}.db"),
            ),
        ]
        if not stream:
            contenders.append(
                agentkit_contender(url, stream=stream, tool_name="lookup", clock=clock)
            )
    contenders.append(default_contender(url, clock=clock))
    try:
        cpu: dict[str, list[float]] = {}
        samples = await interleaved(contenders, "calls=1", runs=runs, warmup=20, cpu=cpu)
    finally:
        for contender in contenders:
            await contender.aclose()
    wall = {name: summarize(values) for name, values in samples.items()}
    return wall, {name: summarize(values) for name, values in cpu.items()}


async def w2(url: str, *, runs: int, sqlite_dir: Path) -> dict[str, dict[str, Summary]]:
    """W2: 8 calls of 100 ms in one turn; the tool phase and the whole run, per contender."""
    makers: dict[str, Callable[..., Contender]] = {
        "raw openai": raw_contender,
        "agentkit": agentkit_contender,
        "agentkit (SQLite)": lambda url, **kw: agentkit_contender(
            url, store=SQLiteStore(sqlite_dir / f"w2-{kw['tool_name']}.db"), **kw
        ),
    }
    results: dict[str, dict[str, Summary]] = {}
    for tool_name in ("sleep_async", "sleep_sync"):
        for label, make in makers.items():
            clock = ToolClock()
            contender = make(url, stream=True, tool_name=tool_name, clock=clock)
            phases: list[float] = []

            async def run(
                c: Contender = contender, k: ToolClock = clock, into: list[float] = phases
            ) -> None:
                await c.run("calls=8")
                into.append(k.phase_ms())

            try:
                totals = await time_runs(run, runs=runs, warmup=2)
            finally:
                await contender.aclose()
            results[f"{label} {tool_name}"] = {
                "tool phase": summarize(phases[-runs:]),
                "run": summarize(totals),
            }
    return results


class CountingStore:
    """Wraps a `Store` and counts calls per method (for "what a run costs in writes")."""

    def __init__(self, inner: Store) -> None:
        self.inner = inner
        self.calls: dict[str, int] = {}

    def __getattr__(self, name: str) -> Any:
        attribute = getattr(self.inner, name)
        if not callable(attribute) or name.startswith("_") or name == "scoped":
            return attribute

        async def counted(*args: Any, **kwargs: Any) -> Any:
            self.calls[name] = self.calls.get(name, 0) + 1
            return await attribute(*args, **kwargs)

        return counted


@contextmanager
def traced_sqlite(statements: list[str]) -> Iterator[None]:
    """Record every SQL statement SQLiteStore's connections execute (bench-only patch)."""
    from agentkit.stores import sqlite_connection

    original: Any = getattr(sqlite_connection, "connect")  # noqa: B009 - not exported

    def connect(*args: Any, **kwargs: Any) -> sqlite3.Connection:
        conn = original(*args, **kwargs)
        conn.set_trace_callback(statements.append)
        return conn  # type: ignore[no-any-return]

    setattr(sqlite_connection, "connect", connect)  # noqa: B010
    try:
        yield
    finally:
        setattr(sqlite_connection, "connect", original)  # noqa: B010


async def store_costs(url: str, *, runs: int) -> dict[str, dict[str, float]]:
    """Store calls and SQL statements per W1 run, for the memory and SQLite stores."""
    from agentkit.stores import MemoryStore

    costs: dict[str, dict[str, float]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        statements: list[str] = []
        with traced_sqlite(statements):
            for label, store in (
                ("memory", MemoryStore()),
                ("sqlite", SQLiteStore(Path(tmp) / "costs.db")),
            ):
                counting = CountingStore(store)
                contender = agentkit_contender(
                    url,
                    stream=True,
                    tool_name="lookup",
                    clock=ToolClock(),
                    store=counting,  # type: ignore[arg-type]
                )
                await contender.run("calls=1")  # opens the file, creates tables
                counting.calls.clear()
                statements.clear()
                for _ in range(runs):
                    await contender.run("calls=1")
                await contender.aclose()
                row = {k: v / runs for k, v in sorted(counting.calls.items())}
                row["(all store calls)"] = sum(counting.calls.values()) / runs
                if label == "sqlite":
                    row["(SQL statements)"] = len(statements) / runs
                    row["(of which writes)"] = _writes(statements) / runs
                    row["(commits)"] = _commits(statements) / runs
                costs[label] = row
    return costs


def _commits(statements: list[str]) -> int:
    """Write transactions: each BEGIN ... COMMIT, and each write outside one."""
    commits, inside = 0, False
    for statement in statements:
        verb = statement.lstrip().split(None, 1)[0].upper()
        if verb == "BEGIN":
            inside = True
        elif verb in ("COMMIT", "ROLLBACK"):
            inside = False
            commits += verb == "COMMIT"
        elif not inside and _writes([statement]):
            commits += 1
    return commits


def _writes(statements: list[str]) -> int:
    verbs = ("INSERT", "UPDATE", "DELETE", "REPLACE")
    return sum(1 for s in statements if s.lstrip().upper().startswith(verbs))
