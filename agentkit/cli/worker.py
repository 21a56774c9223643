"""``agentkit worker``: drive the runs queued on a Postgres database, as a DBOS worker."""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import signal
import sys
from typing import Any

import click

from agentkit.cli.loading import load_agent
from agentkit.exceptions import AgentkitError

__all__ = ["worker"]


@click.command("worker")
@click.argument("agents", nargs=-1, required=True, metavar="AGENT...")
@click.option(
    "--database",
    required=True,
    envvar="AGENTKIT_DATABASE",
    show_envvar=True,
    metavar="POSTGRES_URL",
    help="The Postgres database of the store and of DBOS's queue.",
)
@click.option(
    "--concurrency", default=8, show_default=True, type=click.IntRange(min=1), help="Runs at once."
)
@click.option(
    "--executor-id",
    default=None,
    help="This worker's name (default: host, pid and a random suffix). A worker restarted "
    "with the same name continues its own runs at once.",
)
@click.option(
    "--grace",
    default=10.0,
    show_default=True,
    type=float,
    help="On SIGTERM or Ctrl-C, seconds to let runs being driven finish; the rest are "
    "released and continue on another worker.",
)
def worker(
    agents: tuple[str, ...], database: str, concurrency: int, executor_id: str | None, grace: float
) -> None:
    """Drive runs queued by `Runner(..., execution=DBOSExecution(url))` or `agentkit serve`.

    AGENT is MODULE:AGENT or path/to/file.py:AGENT; a run is driven by the agent whose id is
    the run's assistant_id. Start as many workers, on as many machines, as you like: each
    takes runs from the shared queue, and the runs of a worker that dies continue on another.
    """
    try:
        from agentkit.durable import DBOSSettings
    except ImportError as exc:
        click.echo(f"Error: 'agentkit worker' needs the 'dbos' extra ({exc.name} is missing).")
        sys.exit(2)
    # The reaper's and the workflows' warnings (a worker found dead, a run retried).
    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(name)s %(message)s")
    try:
        loaded = [load_agent(target) for target in agents]
        settings = DBOSSettings(database)
        if executor_id:
            settings = dataclasses.replace(settings, executor_id=executor_id)
        asyncio.run(_work(settings, loaded, concurrency, grace))
    except AgentkitError as exc:
        click.echo(f"Error: {exc}", err=True)
        sys.exit(2)


async def _work(settings: Any, agents: list[Any], concurrency: int, grace: float) -> None:
    from agentkit.durable import DBOSWorker
    from agentkit.stores.postgres import PostgresStore

    store = PostgresStore(settings.database_url)
    running = DBOSWorker(store, agents, settings=settings, concurrency=concurrency)
    await running.start()
    click.echo(
        f"agentkit worker {running.executor_id}: driving runs from {store.where} "
        f"(concurrency {concurrency}; agents {', '.join(a.id for a in agents)})",
        err=True,
    )
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    await stop.wait()
    if left := await running.drain(grace):
        click.echo(f"agentkit worker: {left} runs released, to continue elsewhere", err=True)
    await running.stop(grace=0)
    await store.aclose()
