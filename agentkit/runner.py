"""The runner: starts, resumes and cancels runs of agents over one store."""

from __future__ import annotations

import asyncio
import contextlib
import weakref
from collections.abc import AsyncGenerator, Awaitable, Callable, Iterable, Mapping, Sequence
from contextlib import aclosing
from dataclasses import replace
from functools import partial
from typing import TYPE_CHECKING, Any

from agentkit.context import RunContext
from agentkit.events import RunEvent, RunStatusEvent
from agentkit.exceptions import InvalidRunStateError, UserError
from agentkit.middleware.base import Middleware
from agentkit.middleware.stack import middleware_stack
from agentkit.records import Message, Run, Thread, UserInput
from agentkit.runs.approvals import prepare_approval
from agentkit.runs.execution import RunExecution
from agentkit.runs.external import (
    cancel_run,
    expire_if_due,
    expire_overdue_paused,
)
from agentkit.runs.handoffs import handoff_graph
from agentkit.runs.history_cache import HistoryCache
from agentkit.runs.lease import LeaseTerms, new_owner
from agentkit.runs.liveness import take_liveness
from agentkit.runs.loop import drive
from agentkit.runs.matching import Approvals, ToolOutputs
from agentkit.runs.pump import EventPump, collect
from agentkit.runs.recovery import (
    AgentResolver,
    Orphan,
    fail_orphan,
    find_orphans,
    prepare_recovery,
    resolver_for,
)
from agentkit.runs.result import OutputT, RunResult
from agentkit.runs.resume import prepare_resume
from agentkit.runs.start import RunRequest, start_run
from agentkit.runs.state import DispatchMode, RunState
from agentkit.runs.steps import end_run
from agentkit.stores.base import DRIVEN_RUN_STATUSES, Lease, Store
from agentkit.stores.memory import MemoryStore
from agentkit.toolsets.base import Toolset

if TYPE_CHECKING:
    from agentkit.agent import Agent

__all__ = ["AgentResolver", "Orphan", "Runner", "ToolOutputs"]


class Runner:
    """Runs agents over a store; the engine's public entry point.

    One runner can run many agents and threads at once. Runs pause in ``requires_action`` are
    persisted, so another runner over the same store (in another process, for a SQLite
    store) can `submit_tool_outputs` and continue them.

    The runner holds a lease on every run it drives (renewed every ``heartbeat`` seconds),
    records each tool call as it starts and finishes, and checkpoints the run at every step,
    so that when its process dies, `recover` in another (or the restarted) process continues
    the run; see the durability docs.

    Args:
        store: where threads, runs and steps persist (default: a new `MemoryStore`).
        middleware: wraps every run of this runner, outside the agent's own middleware
            (the whole order is in `agentkit.middleware.middleware_stack`). When not given,
            model calls are retried on rate limits, server errors and dropped connections by
            a default `RetryMiddleware`, which a `RetryMiddleware` of the agent or the run
            replaces; pass a list (``[]`` included) to leave the default out.
        lease_ttl: seconds a run's lease lasts unrenewed; after that, another process's
            `recover` may take the run over (at once, if this process has died and the
            other one runs on the same host).
        heartbeat: seconds between lease renewals: also how soon a cancel from another
            process stops this runner's tools.
        owner: this runner's owner id in the store's leases (default: host, pid, and a
            random part).
        execution: how recorded runs are executed (default: here, in this event loop);
            `agentkit.durable.DBOSExecution` hands them to DBOS workers instead.

    Raises:
        UserError: ``lease_ttl`` or ``heartbeat`` is not positive, or ``heartbeat`` is not
            shorter than ``lease_ttl``.
    """

    def __init__(
        self,
        store: Store | None = None,
        *,
        middleware: Sequence[Middleware] | None = None,
        lease_ttl: float = 30.0,
        heartbeat: float = 1.0,
        owner: str | None = None,
        execution: RunExecution | None = None,
    ) -> None:
        self.store: Store = store if store is not None else MemoryStore()
        self.middleware: tuple[Middleware, ...] = tuple(middleware or ())
        self.execution = execution
        self.terms = LeaseTerms(owner or new_owner(), lease_ttl, heartbeat)
        self._default_retries = middleware is None
        self._driving: dict[str, tuple[EventPump, RunState]] = {}
        # Toolsets prepared for this runner's runs, closed with it (weakly held: agents
        # built per request must not pile up here).
        self._toolsets: weakref.WeakSet[Toolset] = weakref.WeakSet()
        self._history = HistoryCache()

    # -- threads and messages --------------------------------------------------------------
    async def create_thread(
        self, *, messages: Sequence[str] = (), metadata: Mapping[str, str] | None = None
    ) -> Thread:
        """A new thread, optionally starting with user messages."""
        thread = await self.store.create_thread(Thread(metadata=dict(metadata or {})))
        for text in messages:
            await self.store.add_message(Message.of_text(thread.id, "user", text))
        return thread

    async def add_message(self, thread: Thread | str, text: str) -> Message:
        """Add a user message; refused while the thread has an active run."""
        thread_id = thread if isinstance(thread, str) else thread.id
        return await self.store.add_message(Message.of_text(thread_id, "user", text))

    # -- runs -----------------------------------------------------------------------------
    def iter_run(
        self,
        agent: Agent[Any, Any],
        input: UserInput | None = None,
        *,
        thread: Thread | str | None = None,
        deps: Any = None,
        dispatch: DispatchMode = "auto",
        middleware: Sequence[Middleware] = (),
        additional_instructions: str | None = None,
        metadata: Mapping[str, str] | None = None,
        run_fields: Mapping[str, Any] | None = None,
        additional_messages: Sequence[Message] = (),
    ) -> AsyncGenerator[RunEvent, None]:
        """Start a run of ``agent`` and stream its events until it ends or pauses.

        Args:
            agent: the agent to run.
            input: a user message added to the thread first (None: run on the thread as is):
                text, or parts in order (strings and images, see `Message.of_input`).
            additional_messages: messages of the thread added with the run, before ``input``.
                The input messages and the run are stored together: when the run is refused
                (`ActiveRunError`), the thread is left as it was.
            thread: the thread to continue (default: a new thread).
            deps: passed to tools as ``ctx.deps``.
            dispatch: ``auto`` runs tool calls; ``manual`` stops in ``requires_action`` for
                every call, for the caller to `submit_tool_outputs`.
            middleware: wraps this run only, inside the runner's and the agent's.
            additional_instructions: appended to the agent's instructions for this run.
            metadata: stored on the run.
            run_fields: `Run` fields recorded as given instead of derived from the agent
                (``tool_choice``, ``tools``, ``max_prompt_tokens``, ``max_completion_tokens``,
                ``response_format``...), as `agentkit serve` echoes a request's values;
                ``max_prompt_tokens`` also bounds the history the model sees.

        Raises:
            ActiveRunError: the thread already has an active run.
            NotFoundError: ``thread`` does not exist.
            UserError: an option the runner's execution cannot honour (``deps`` or
                ``middleware`` for runs that DBOS workers execute).
        """
        if self.execution is not None:
            self.execution.check_options(deps=deps, middleware=middleware)
        request = RunRequest(
            agent,
            input,
            thread,
            deps,
            dispatch,
            additional_instructions,
            metadata,
            run_fields,
            additional_messages,
        )
        start = partial(start_run, self.store, self.terms, self._history, request)
        return self._stream(agent, start, middleware, resumed=False)

    async def run(
        self,
        agent: Agent[Any, OutputT],
        input: UserInput | None = None,
        *,
        keep_events: bool = False,
        **options: Any,
    ) -> RunResult[OutputT]:
        """Start a run, drain its events, and return the result; see `iter_run`.

        With ``keep_events``, the result keeps every event (`RunResult.events`).
        """
        events = self.iter_run(agent, input, **options)
        return await collect(events, keep_events=keep_events)

    def iter_submit_tool_outputs(
        self,
        agent: Agent[Any, Any],
        run: Run | str,
        outputs: ToolOutputs,
        *,
        deps: Any = None,
        middleware: Sequence[Middleware] = (),
    ) -> AsyncGenerator[RunEvent, None]:
        """Resume a run paused in ``requires_action`` with the outputs of its pending calls.

        ``outputs`` maps each pending call id to its output (or is a list of
        ``{"tool_call_id": ..., "output": ...}`` as in the Assistants API) and must cover
        every pending call exactly once; otherwise nothing changes.

        Raises:
            ToolOutputsMismatchError: missing, unknown or repeated call ids.
            InvalidRunStateError: the run is not waiting for outputs (or has expired).
        """
        if self.execution is not None:
            self.execution.check_options(deps=deps, middleware=middleware)
        run_id = run if isinstance(run, str) else run.id
        ctx = RunContext(deps=deps, agent_name=agent.name)
        resume = partial(prepare_resume, self.store, agent, run_id, outputs, ctx, self.terms)
        return self._stream(agent, resume, middleware, resumed=True)

    async def submit_tool_outputs(
        self,
        agent: Agent[Any, OutputT],
        run: Run | str,
        outputs: ToolOutputs,
        *,
        keep_events: bool = False,
        **options: Any,
    ) -> RunResult[OutputT]:
        """Resume a paused run and wait for it; see `iter_submit_tool_outputs`.

        With ``keep_events``, the result keeps every event (`RunResult.events`).
        """
        events = self.iter_submit_tool_outputs(agent, run, outputs, **options)
        return await collect(events, keep_events=keep_events)

    def iter_submit_tool_approvals(
        self,
        agent: Agent[Any, Any],
        run: Run | str,
        approvals: Approvals,
        *,
        deps: Any = None,
        middleware: Sequence[Middleware] = (),
    ) -> AsyncGenerator[RunEvent, None]:
        """Resume a run waiting for approvals (``submit_tool_approval``) with the decisions.

        ``approvals`` decides every waiting call exactly once: ``{call_id: True | False}``, or
        `ToolApproval` s (``ToolApproval.approved(call_id, arguments=...)``,
        ``ToolApproval.denied(call_id, reason)``). Approved calls run (with the edited
        arguments); the model is told a denied call was not run, and why. The decisions are
        stored with the run; any process sharing the store can submit them.

        Raises:
            ApprovalsMismatchError: missing, unknown or repeated call ids, or edited
                arguments that are not a JSON object.
            InvalidRunStateError: the run is not waiting for approvals (or has expired).
        """
        run_id = run if isinstance(run, str) else run.id
        ctx = RunContext(deps=deps, agent_name=agent.name)
        resume = partial(prepare_approval, self.store, agent, run_id, approvals, ctx, self.terms)
        return self._stream(agent, resume, middleware, resumed=True)

    async def submit_tool_approvals(
        self,
        agent: Agent[Any, OutputT],
        run: Run | str,
        approvals: Approvals,
        *,
        keep_events: bool = False,
        **options: Any,
    ) -> RunResult[OutputT]:
        """Resume a run waiting for approvals and wait for it; see `iter_submit_tool_approvals`.

        With ``keep_events``, the result keeps every event (`RunResult.events`).
        """
        events = self.iter_submit_tool_approvals(agent, run, approvals, **options)
        return await collect(events, keep_events=keep_events)

    async def cancel(self, run: Run | str) -> Run:
        """Cancel a run: in-flight model and tool calls stop; the run ends ``cancelled``.

        Works from any process sharing the store: the cancel is recorded at once and wins
        over whatever the run's driver saves later. A driver in another process stops the
        run's tools within its ``heartbeat`` and starts none after the cancel.

        Raises:
            InvalidRunStateError: the run has already ended.
        """
        run_id = run if isinstance(run, str) else run.id
        driving = self._driving.get(run_id)
        # A drive stopped here records its ending, unless it had just paused the run.
        stopped = driving is not None and await driving[0].cancel()
        if stopped and (stored := await self.store.get_run(run_id)).is_terminal:
            return stored
        return await cancel_run(self.store, run_id)

    async def get_run(self, run: Run | str) -> Run:
        """The stored run; a run past its ``expires_at`` that nobody drives is expired first."""
        run_id = run if isinstance(run, str) else run.id
        return await expire_if_due(self.store, await self.store.get_run(run_id), self.terms)

    # -- recovery --------------------------------------------------------------------------
    async def orphans(self) -> list[Orphan]:
        """The store's runs that nobody drives any more (their driver died or hung)."""
        return await find_orphans(self.store, driving=self._driving)

    def iter_recover(
        self,
        agent: Agent[Any],
        orphan: Orphan,
        *,
        deps: Any = None,
        middleware: Sequence[Middleware] = (),
    ) -> AsyncGenerator[RunEvent, None]:
        """Take an orphaned run over and stream its events until it ends or pauses.

        The run continues from its last recorded step: finished tool calls are not run
        again; calls that were in flight run again if their tool is idempotent, and are
        otherwise reported to the model as ``interrupted``.

        Raises:
            InvalidRunStateError: another process took the run over first (or it ended).
        """
        if self.execution is not None:
            raise UserError(
                "This runner's runs are executed, and recovered, by its execution's workers."
            )
        ctx = RunContext(deps=deps, agent_name=agent.name)
        prepare = partial(prepare_recovery, self.store, agent, orphan, ctx, self.terms)
        return self._stream(agent, prepare, middleware, resumed=True)

    async def recover(
        self,
        agents: Iterable[Agent[Any]] | AgentResolver,
        *,
        deps: Any = None,
        leave_unknown: bool = False,
    ) -> list[Run]:
        """Continue every orphaned run of the store, and expire overdue paused runs.

        Call it when a process starts (`agentkit serve` does, and then periodically). Each
        orphan is matched to its agent by ``assistant_id`` (`Agent.id`), or by ``agents``
        when it is a function of the run, and driven concurrently until it ends or pauses.

        Args:
            agents: the agents this process can run, or a function finding a run's agent.
            deps: passed to every recovered run's tools as ``ctx.deps``.
            leave_unknown: leave runs of agents not in ``agents`` for another process;
                by default they end ``failed``, with a ``last_error`` naming the agent.

        Returns:
            The runs recovered or ended, as they stand after this call.
        """
        resolve = resolver_for(agents)
        ended = await expire_overdue_paused(self.store, self.terms)
        drives = []
        for orphan in await self.orphans():
            agent = resolve(orphan.run)
            if agent is not None:
                drives.append(collect(self.iter_recover(agent, orphan, deps=deps)))
            elif not leave_unknown and (
                failed := await fail_orphan(self.store, orphan, self.terms)
            ):
                ended.append(failed)
        results = await asyncio.gather(*drives, return_exceptions=True)
        for result in results:
            if isinstance(result, BaseException) and not isinstance(result, InvalidRunStateError):
                raise result
        return ended + [r.run for r in results if isinstance(r, RunResult)]

    async def release(self) -> list[str]:
        """Stop driving this runner's runs without ending them; return their ids.

        Each run keeps its status and what it recorded, and its lease is dropped, so that
        `recover` (in this process or another) continues it at once. Tool calls cut off are
        then reported ``interrupted``, unless their tool is idempotent. `agentkit serve`
        does this when it shuts down, so a restart loses no run.
        """
        released = []
        for run_id, (pump, state) in list(self._driving.items()):
            state.released = True
            if await pump.cancel() and state.run.status in DRIVEN_RUN_STATUSES:
                await self.store.renew_lease(run_id, Lease(self.terms.owner, 0.0))
                released.append(run_id)
        return released

    async def aclose(self) -> None:
        """Cancel the runs still being driven, close the toolsets, the execution and the store.

        The toolsets are those its runs prepared (`Toolset.aclose` stops MCP servers).
        """
        for run_id in list(self._driving):
            with contextlib.suppress(InvalidRunStateError):  # it ended meanwhile
                await self.cancel(run_id)
        for toolset in list(self._toolsets):
            await toolset.aclose()
        if self.execution is not None:
            await self.execution.aclose()
        await self.store.aclose()

    async def __aenter__(self) -> Runner:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()

    # -- internals -------------------------------------------------------------------------
    async def _stream(
        self,
        agent: Agent[Any],
        prepare: Callable[[], Awaitable[RunState]],
        middleware: Sequence[Middleware],
        *,
        resumed: bool,
    ) -> AsyncGenerator[RunEvent, None]:
        # Preparing (tools, then thread, message, run records) happens at the first `anext`,
        # so errors such as ActiveRunError reach the caller from the stream, as from `run()`.
        # The tools first: the run records them, and a toolset that cannot list its tools
        # (ToolsetError) leaves nothing behind.
        live = take_liveness()  # first: the tasks started from here on are live again
        for each in handoff_graph(agent).values():  # the agents the run may hand over to
            await each.toolset.prepare()
            self._toolsets.add(each.toolset)
        state = await prepare()
        state.live = live
        if self.execution is not None:
            stack = middleware_stack(
                self.middleware,
                state.agent.middleware,
                middleware,
                default_retries=self._default_retries,
            )
            async with aclosing(self.execution.stream(state, stack, resumed=resumed)) as events:
                async for event in events:
                    yield event
            return
        run_id = state.run.id
        pump = EventPump(f"agentkit-run:{run_id}")
        state.ctx = _with_emit(state.ctx, pump.emit, state.run, self)
        pump.emit(RunStatusEvent(state.run))
        stack = middleware_stack(
            self.middleware,
            state.agent.middleware,
            middleware,
            default_retries=self._default_retries,
        )
        self._driving[run_id] = (pump, state)
        try:
            async with aclosing(pump.events(drive(state, stack, resumed=resumed))) as events:
                async for event in events:
                    yield event
        finally:
            if state.run.status in DRIVEN_RUN_STATUSES and not state.released:
                # Cancelled before its first step, the loop never ran to record the ending.
                await asyncio.shield(end_run(state, "cancelled"))
            self._driving.pop(run_id, None)


def _with_emit(ctx: RunContext[Any], emit: Any, run: Run, runner: Runner) -> RunContext[Any]:
    return replace(ctx, emit=emit, run_id=run.id, thread_id=run.thread_id, runner=runner)
