"""The DBOS workflow of a run: drive it with the one loop, wait durably while it is paused.

``agentkit.run(run_id, project)`` is registered with DBOS at import. A worker executes it:

1. it looks at the run in the store: an ended run ends the workflow; a paused run
   (``requires_action``) waits for a ``resume`` message (`DBOSExecution` sends one after
   ``submit_tool_outputs`` recorded the outputs; the store is looked at every few seconds
   too, so a cancel, the run's deadline, or a submit whose sender died before sending end
   the wait); a run to drive is driven by `agentkit.runs.loop.drive`, the loop in-process
   runs use, with its model and tool calls as DBOS steps (`DBOSStepsMiddleware`);
2. it repeats until the run has ended.

When a worker dies, another one executes the workflow again from the top. It does not replay
DBOS's record of the steps: the store already holds everything the run did (its steps,
messages, state, and each tool call's "started" mark and outcome), so the workflow continues
from there, as any process taking over a run does (`agentkit.durable.state`), and its new
steps go past the old ones in DBOS's record. Replaying would re-run the loop's store writes
with new ids and timestamps; continuing from the store needs neither.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from dbos import DBOS

from agentkit.context import RunContext
from agentkit.durable.publisher import START_KEY, EventPublisher, resume_key
from agentkit.durable.settings import WORKFLOW_NAME
from agentkit.durable.steps import DBOSStepsMiddleware
from agentkit.events import RunStatusEvent
from agentkit.exceptions import InvalidRunStateError, UserError
from agentkit.middleware.base import Middleware
from agentkit.middleware.stack import middleware_stack
from agentkit.records import Run
from agentkit.runs.external import expire_if_due
from agentkit.runs.handoffs import handoff_graph
from agentkit.runs.lease import LeaseTerms
from agentkit.runs.loop import drive
from agentkit.runs.recovery import Orphan, fail_orphan, prepare_recovery
from agentkit.runs.state import RunState
from agentkit.stores.base import Store
from agentkit.toolsets.base import Toolset

if TYPE_CHECKING:
    from agentkit.agent import Agent

__all__ = ["RESUME_TOPIC", "WorkerRuntime", "install_runtime", "run_workflow"]

_log = logging.getLogger("agentkit.durable")

RESUME_TOPIC = "agentkit.resume"
_RETRY_SECONDS = 1.0
_SEGMENT_EVENT = "agentkit.segment"


@dataclass
class WorkerRuntime:
    """What the workflows of this process drive runs with (set by `DBOSWorker`).

    Attributes:
        store: the root store (each run is driven through its project's view).
        resolve_agent: the agent that drives a run.
        middleware: wraps every run, outside the agent's own.
        default_retries: add the default `RetryMiddleware` (as `Runner` does).
        deps: given to tools as ``ctx.deps``.
        client: a DBOS client of the same tables.
        terms: how this worker holds the leases of the runs it drives.
        pause_poll: seconds between a paused run's looks at the store (`DBOSSettings`).
        states: the runs being driven, by id.
    """

    store: Any
    resolve_agent: Any
    middleware: tuple[Middleware, ...] = ()
    default_retries: bool = True
    deps: Any = None
    client: Any = None
    terms: LeaseTerms = field(default_factory=LeaseTerms)
    pause_poll: float = 5.0
    states: dict[str, RunState] = field(default_factory=dict)
    stopping: bool = False
    waiting: set[asyncio.Task[Any]] = field(default_factory=set)
    driving: set[asyncio.Task[Any]] = field(default_factory=set)
    toolsets: set[Toolset] = field(default_factory=set)

    @contextlib.contextmanager
    def busy(self, tasks: set[asyncio.Task[Any]]) -> Iterator[None]:
        """Count the current workflow task in ``tasks`` (`waiting` or `driving`) meanwhile."""
        task = asyncio.current_task()
        assert task is not None
        tasks.add(task)
        try:
            yield
        finally:
            tasks.discard(task)


_runtime: WorkerRuntime | None = None


def install_runtime(runtime: WorkerRuntime | None) -> None:
    """Make ``runtime`` the one this process's workflows use (None: none)."""
    global _runtime
    _runtime = runtime


def _current() -> WorkerRuntime:
    if _runtime is None:
        raise UserError("an agentkit DBOS workflow ran in a process without a DBOSWorker")
    return _runtime


@DBOS.workflow(name=WORKFLOW_NAME)
async def run_workflow(run_id: str, project: str) -> str:
    """Drive the run until it ends; the run's final status."""
    runtime = _current()
    if runtime.stopping:
        # Taken from the queue by a worker on its way out: left pending, for another one.
        with runtime.busy(runtime.waiting):
            await asyncio.Future()
    key = await _skip_recorded_steps(runtime, run_id)
    store: Store = runtime.store.scoped(project)
    while True:
        try:
            status, key = await _advance(runtime, store, run_id, key)
        except Exception:
            # The store or DBOS's tables are out of reach: the run is not lost, try again.
            _log.exception("driving run %s failed; trying again", run_id)
            await asyncio.sleep(_RETRY_SECONDS)
            continue
        if status is not None:
            return status


async def _advance(
    runtime: WorkerRuntime, store: Store, run_id: str, key: str
) -> tuple[str | None, str]:
    """Drive the run, or wait while it is paused; (its status if it ended, the segment)."""
    run = await store.get_run(run_id)
    if run.is_terminal:
        return run.status, key
    if run.status == "requires_action":
        state = await store.get_run_state(run_id)
        key = await _next_segment(key, state.get("pending_step_id"))
        with runtime.busy(runtime.waiting):
            await _wait_for_resume(runtime, store, run)
        return None, key
    with runtime.busy(runtime.driving):
        paused_on = await _drive(runtime, store, run, key)
    # Set before anything waits: the submit may be recorded before the next look.
    return None, await _next_segment(key, paused_on)


async def _next_segment(key: str, paused_on: str | None) -> str:
    """The stream of the segment after a pause on step ``paused_on`` (None: ``key``).

    It is the one `DBOSExecution` reads after submitting outputs for that step; it is kept
    as a DBOS event, for a workflow executed again after a crash.
    """
    if paused_on is None or resume_key(paused_on) == key:
        return key
    await DBOS.set_event_async(_SEGMENT_EVENT, resume_key(paused_on))
    return resume_key(paused_on)


async def _skip_recorded_steps(runtime: WorkerRuntime, run_id: str) -> str:
    """Make the workflow's next steps go past those recorded; the segment it is in.

    A workflow executed again continues from the store, not from DBOS's record: its new
    steps take ids past the recorded ones instead of being matched against them. (Asked
    through the client: asked from the workflow, the answers would themselves be recorded,
    and a later execution would get the first ones back.)
    """
    recorded = await runtime.client.list_workflow_steps_async(run_id)
    if not recorded:
        return START_KEY
    for _ in range(max(step["function_id"] for step in recorded)):
        DBOS.reserve_step()
    key = await runtime.client.get_event_async(run_id, _SEGMENT_EVENT, timeout_seconds=0)
    return str(key) if key else START_KEY


async def _drive(runtime: WorkerRuntime, store: Store, run: Run, key: str) -> str | None:
    """Take the run over and drive it until it ends or pauses; its pending step if it paused.

    Taking over is how any process continues a run (`agentkit.runs.recovery`): claim its
    lease from whoever held it (the runner that queued it, the submitter of its outputs, a
    worker that died), rebuild its state from the store, and settle the tool calls that were
    in flight by what was recorded of them (run again only when idempotent, otherwise
    ``interrupted``). The workflow has the authority to claim: DBOS gives each run to one
    worker at a time.
    """
    async with EventPublisher(key) as publisher:
        orphan = await _as_orphan(store, run.id)
        if orphan is None:  # no longer driven (ended, paused, cancelled meanwhile)
            return None
        try:
            agent = await runtime.resolve_agent(run, store)
            await _prepare_toolsets(runtime, agent)
        except Exception as exc:
            # No worker of this deployment can drive it: end it, saying why.
            reason = f"{type(exc).__name__}: {exc}"
            if (failed := await fail_orphan(store, orphan, runtime.terms, reason)) is not None:
                publisher.emit(RunStatusEvent(failed))
            return None
        ctx = RunContext(
            deps=runtime.deps,
            run_id=run.id,
            thread_id=run.thread_id,
            agent_name=agent.name,
            emit=publisher.emit,
        )
        try:
            state = await prepare_recovery(store, agent, orphan, ctx, runtime.terms)
        except InvalidRunStateError:  # it changed meanwhile: look again
            return None
        stack = middleware_stack(
            runtime.middleware, agent.middleware, (), default_retries=runtime.default_retries
        )
        runtime.states[run.id] = state
        try:
            await drive(state, (*stack, DBOSStepsMiddleware()), resumed=run.status != "queued")
        finally:
            runtime.states.pop(run.id, None)
    if state.run.status == "requires_action" and state.pending_step is not None:
        return state.pending_step.id
    return None


async def _prepare_toolsets(runtime: WorkerRuntime, agent: Agent[Any, Any]) -> None:
    """Prepare the toolsets of the agent and of those it may hand over to, as a runner does.

    The worker closes them when it stops (`Toolset.aclose` stops MCP servers).
    """
    for each in handoff_graph(agent).values():
        await each.toolset.prepare()
        runtime.toolsets.add(each.toolset)


async def _as_orphan(store: Store, run_id: str) -> Orphan | None:
    """The run with the lease it holds now, if it is in a driven status."""
    found = await store.driven_run(run_id)
    return None if found is None else Orphan(*found)


async def _wait_for_resume(runtime: WorkerRuntime, store: Store, run: Run) -> None:
    """Wait until a message comes or the run is no longer paused (expiring it when due)."""
    while True:
        timeout = runtime.pause_poll
        if run.expires_at is not None:
            timeout = min(timeout, max(run.expires_at - time.time(), 0.0) + 0.05)
        message = await DBOS.recv_async(RESUME_TOPIC, timeout_seconds=timeout)
        if message is not None:
            return
        run = await store.get_run(run.id)
        if run.status != "requires_action":
            return
        if (await expire_if_due(store, run, runtime.terms)).is_terminal:
            return
