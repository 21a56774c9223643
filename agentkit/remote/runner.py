"""`RemoteRunner`: runs agents on a remote Assistants-wire service, with agentkit's tools."""

from __future__ import annotations

import weakref
from collections.abc import AsyncGenerator, Awaitable, Callable, Mapping, Sequence
from contextlib import aclosing
from dataclasses import replace
from typing import TYPE_CHECKING, Any, Literal

from openai import AsyncOpenAI

from agentkit.context import RunContext
from agentkit.events import RunEvent
from agentkit.exceptions import InvalidRunStateError, UserError
from agentkit.middleware.base import Middleware
from agentkit.middleware.stack import middleware_stack, warn_stages_remote_runs_skip
from agentkit.records import Message, Run, Thread, UserInput
from agentkit.remote.answering import ToolAnswerer
from agentkit.remote.calls import AssistantsCalls
from agentkit.remote.driver import RemoteRun
from agentkit.remote.errors import SERVICE_ERRORS as _SERVICE_ERRORS
from agentkit.remote.errors import start_error
from agentkit.remote.events import RunMirror
from agentkit.remote.flavors import RemoteFlavor, flavor_for
from agentkit.remote.objects import message_from, run_from, thread_from
from agentkit.remote.polling import PollPolicy
from agentkit.remote.run_body import check_remote_agent, run_params, user_message
from agentkit.remote.stops import RemoteSettings
from agentkit.remote.sync import AssistantSpec, SyncedAssistant, sync_assistant
from agentkit.runs.liveness import take_liveness
from agentkit.runs.matching import Approvals, ToolOutputs
from agentkit.runs.pump import EventPump, collect
from agentkit.runs.result import OutputT, RunResult
from agentkit.toolsets.base import Toolset

if TYPE_CHECKING:
    from agentkit.agent import Agent
    from agentkit.runs.state import DispatchMode

__all__ = ["RemoteRunner"]


class RemoteRunner:
    """Runs agents on a remote Assistants-wire service while agentkit supplies the tools.

    The counterpart of `agentkit.Runner` for Foundry classic agents, `agentkit serve` and
    other Assistants-compatible servers: the same `iter_run` / `run` / `submit_tool_outputs`
    / `cancel`, the same events and `RunResult`. The service owns threads, messages and runs;
    each agent is synced to a remote assistant first (see `sync`).

    Args:
        client: an ``AsyncOpenAI`` (or ``AsyncAzureOpenAI``) for the service.
        mode: ``stream`` (SSE, the default) or ``poll`` (``openai-poll-after-ms``).
        flavor: the backend's deviations (default: Foundry classic for Azure clients, else
            `OPENAI`).
        model: the remote model or deployment name (default: ``agent.model.model_name``).
        middleware: wraps every tool call of this runner's runs, outside the agent's own
            (the service drives the run and calls the model, so only ``wrap_tool_call``
            applies; other stages warn with `RemoteMiddlewareWarning`).
        poll: poll intervals (used in poll mode, and to watch a run being cancelled).
        expiry_grace: seconds past the run's ``expires_at`` to wait for the service to end
            it before agentkit expires it locally.
        cancel_timeout: seconds to wait for a cancelled run to end on the service.
    """

    def __init__(
        self,
        client: AsyncOpenAI,
        *,
        mode: Literal["stream", "poll"] = "stream",
        flavor: RemoteFlavor | None = None,
        model: str | None = None,
        middleware: Sequence[Middleware] = (),
        poll: PollPolicy | None = None,
        expiry_grace: float = 2.0,
        cancel_timeout: float = 10.0,
    ) -> None:
        if mode not in ("stream", "poll"):
            raise UserError(f"RemoteRunner: mode must be 'stream' or 'poll', not {mode!r}")
        self.client = client
        self.calls = AssistantsCalls(client)
        self.flavor = flavor or flavor_for(client)
        self.model = model
        self.middleware = tuple(middleware)
        self.settings = RemoteSettings(mode, poll or PollPolicy(), expiry_grace, cancel_timeout)
        self._synced: dict[str, SyncedAssistant] = {}
        self._active: dict[int, tuple[RemoteRun, EventPump]] = {}
        self._paused: dict[str, RemoteRun] = {}
        self._toolsets: weakref.WeakSet[Toolset] = weakref.WeakSet()

    # -- assistants, threads, messages -------------------------------------------------------
    async def sync(self, agent: Agent[Any, Any]) -> SyncedAssistant:
        """Create or update the agent's remote assistant (once per runner while unchanged).

        Warns:
            RemoteDeviationWarning: the service cannot list assistants, so one is created
                (and remembered by this runner) instead of finding the one made before.
        """
        spec = AssistantSpec.of(agent, self.model)
        known = self._synced.get(agent.name)
        if known is not None and known.digest == spec.digest:
            return known
        try:
            synced = await sync_assistant(self.client, spec, known)
        except _SERVICE_ERRORS as exc:
            raise start_error(exc) from exc
        self._synced[agent.name] = synced
        return synced

    async def create_thread(
        self, *, messages: Sequence[str] = (), metadata: Mapping[str, str] | None = None
    ) -> Thread:
        """A new remote thread, optionally starting with user messages."""
        try:
            thread = thread_from(await self.calls.create_thread(metadata))
            for text in messages:
                await self.calls.add_message(thread.id, text)
        except _SERVICE_ERRORS as exc:
            raise start_error(exc) from exc
        return thread

    async def add_message(self, thread: Thread | str, text: str) -> Message:
        """Add a user message to a remote thread."""
        thread_id = thread if isinstance(thread, str) else thread.id
        try:
            return message_from(await self.calls.add_message(thread_id, text))
        except _SERVICE_ERRORS as exc:
            raise start_error(exc) from exc

    # -- runs --------------------------------------------------------------------------------
    async def iter_run(
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
    ) -> AsyncGenerator[RunEvent, None]:
        """Start a remote run of ``agent`` and stream its events until it ends or pauses.

        Arguments as in `agentkit.Runner.iter_run`.

        Raises:
            NotFoundError: ``thread`` does not exist on the service.
            ActiveRunError: the thread already has an active run.
            ModelError: the service could not be reached or refused the run.
            UserError: the agent has handoffs (the service fixes a run's assistant) or an
                ``output_type`` (its answers could not be sent back to the model to fix).
        """
        check_remote_agent(agent)
        stack = self._stack(agent, middleware)
        await agent.toolset.prepare()
        self._toolsets.add(agent.toolset)
        synced = await self.sync(agent)
        params = run_params(agent, synced.id, self.flavor, additional_instructions, metadata)
        messages = [] if input is None else [user_message(input)]
        thread_id: str | None
        if thread is None:
            # Created with the run (RunStops.begin): in one request where the service can.
            thread_id = None
            params["thread"] = {"messages": messages}
        else:
            thread_id = thread if isinstance(thread, str) else thread.id
            if messages:  # sent with the run: one request fewer than adding it first
                params["additional_messages"] = messages
        ctx: RunContext[Any] = RunContext(
            deps=deps, thread_id=thread_id or "", agent_name=agent.name
        )
        answerer = ToolAnswerer(agent, ctx, stack, dispatch)
        driver = RemoteRun(
            self.calls, self.settings, RunMirror(self.flavor, _discard), answerer, thread_id
        )
        async with aclosing(self._stream(driver, lambda: driver.start(params))) as events:
            async for event in events:
                yield event

    async def run(
        self,
        agent: Agent[Any, OutputT],
        input: UserInput | None = None,
        *,
        keep_events: bool = False,
        **options: Any,
    ) -> RunResult[OutputT]:
        """Start a remote run, drain its events and return the result; see `iter_run`.

        With ``keep_events``, the result keeps every event (`RunResult.events`).
        """
        events = self.iter_run(agent, input, **options)
        return await collect(events, keep_events=keep_events)

    async def iter_submit_tool_outputs(
        self,
        agent: Agent[Any, Any],
        run: Run | str,
        outputs: ToolOutputs,
        *,
        deps: Any = None,
        middleware: Sequence[Middleware] = (),
    ) -> AsyncGenerator[RunEvent, None]:
        """Resume a run this runner paused in ``requires_action`` with the caller's outputs.

        agentkit's own outputs for the same step were kept, and everything is submitted in one
        request, as the service requires. ``deps`` and ``middleware`` apply to the tool calls
        of the rest of the run, as in `agentkit.Runner.iter_submit_tool_outputs`.

        Raises:
            InvalidRunStateError: this runner has no run waiting with that id.
            ToolOutputsMismatchError: the outputs do not cover the waiting calls exactly once.
        """
        driver = self._resumable(agent, run)
        driver.check_outputs(outputs)
        async with aclosing(
            self._resume(driver, agent, deps, middleware, lambda: driver.resume(outputs))
        ) as events:
            async for event in events:
                yield event

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

    async def iter_submit_tool_approvals(
        self,
        agent: Agent[Any, Any],
        run: Run | str,
        approvals: Approvals,
        *,
        deps: Any = None,
        middleware: Sequence[Middleware] = (),
    ) -> AsyncGenerator[RunEvent, None]:
        """Resume a run this runner paused for approvals (``submit_tool_approval``).

        For agentkit's own tools, the approved calls run here (with edited arguments) and
        every output is submitted at once; for the service's tools (Foundry MCP approvals),
        the decisions are sent as ``tool_approvals``. Arguments as in
        `agentkit.Runner.iter_submit_tool_approvals`.

        Raises:
            InvalidRunStateError: this runner has no run waiting for approvals with that id.
            ApprovalsMismatchError: the decisions do not match the waiting calls.
        """
        driver = self._resumable(agent, run)
        driver.check_approvals(approvals)
        async with aclosing(
            self._resume(
                driver, agent, deps, middleware, lambda: driver.resume_approvals(approvals)
            )
        ) as events:
            async for event in events:
                yield event

    async def submit_tool_approvals(
        self,
        agent: Agent[Any, OutputT],
        run: Run | str,
        approvals: Approvals,
        *,
        keep_events: bool = False,
        **options: Any,
    ) -> RunResult[OutputT]:
        """Resume a run paused for approvals and wait for it; see `iter_submit_tool_approvals`.

        With ``keep_events``, the result keeps every event (`RunResult.events`).
        """
        events = self.iter_submit_tool_approvals(agent, run, approvals, **options)
        return await collect(events, keep_events=keep_events)

    async def cancel(self, run: Run | str) -> Run:
        """Cancel a run on the service; a run this runner is driving ends ``cancelled``.

        A run id alone is enough for runs this runner started; any other run needs the `Run`
        (the service addresses runs by thread).

        Raises:
            InvalidRunStateError: the run has already ended.
            UserError: only an id was given for a run this runner does not know.
        """
        run_id = run if isinstance(run, str) else run.id
        for driver, pump in list(self._active.values()):
            if driver.run is not None and driver.run.id == run_id and await pump.cancel():
                assert driver.run is not None
                return driver.run
        paused = self._paused.pop(run_id, None)
        thread_id = self._thread_of(run, paused)
        try:
            sdk_run, _ = await self.calls.cancel(thread_id, run_id)
        except _SERVICE_ERRORS as exc:
            raise start_error(exc) from exc
        cancelled = run_from(sdk_run, self.flavor)
        if paused is not None:
            paused.mirror.run = cancelled
        return cancelled

    async def aclose(self) -> None:
        """Cancel the runs this runner is driving (on the service too); close its toolsets.

        The toolsets its runs prepared are closed (stopping MCP servers); the client is the
        caller's and stays open.
        """
        for _, pump in list(self._active.values()):
            await pump.cancel()
        for toolset in list(self._toolsets):
            await toolset.aclose()

    async def __aenter__(self) -> RemoteRunner:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()

    # -- internals ---------------------------------------------------------------------------
    def _resumable(self, agent: Agent[Any, Any], run: Run | str) -> RemoteRun:
        run_id = run if isinstance(run, str) else run.id
        driver = self._paused.get(run_id)
        if driver is None or driver.answerer.agent is not agent:
            raise InvalidRunStateError(
                f"Run {run_id} is not waiting for the caller from this runner and agent."
            )
        return driver

    def _resume(
        self,
        driver: RemoteRun,
        agent: Agent[Any, Any],
        deps: Any,
        middleware: Sequence[Middleware],
        drive: Callable[[], Awaitable[None]],
    ) -> AsyncGenerator[RunEvent, None]:
        assert driver.run is not None
        del self._paused[driver.run.id]
        answerer = driver.answerer
        if deps is not None:
            answerer.ctx = replace(answerer.ctx, deps=deps)
        if middleware:
            answerer.layers = self._stack(agent, middleware)
        return self._stream(driver, drive)

    def _stack(
        self, agent: Agent[Any, Any], per_run: Sequence[Middleware]
    ) -> tuple[Middleware, ...]:
        stack = middleware_stack(self.middleware, agent.middleware, per_run, default_retries=False)
        warn_stages_remote_runs_skip(stack)
        return stack

    def _thread_of(self, run: Run | str, paused: RemoteRun | None) -> str:
        if not isinstance(run, str):
            return run.thread_id
        if paused is not None:
            return paused.thread_id
        raise UserError(
            f"RemoteRunner.cancel({run!r}): this runner did not start that run; pass the Run "
            "(the service needs its thread id)"
        )

    async def _stream(
        self, driver: RemoteRun, drive: Callable[[], Awaitable[None]]
    ) -> AsyncGenerator[RunEvent, None]:
        # The service decides how it runs the model; runs our tools start decide for themselves.
        take_liveness()
        pump = EventPump("agentkit-remote-run", after_cancel=driver.finish_cancel)
        driver.mirror.emit = pump.emit
        driver.answerer.ctx = replace(driver.answerer.ctx, emit=pump.emit, runner=self)
        key = id(driver)
        self._active[key] = (driver, pump)
        try:
            async with aclosing(pump.events(self._drive(driver, drive))) as events:
                async for event in events:
                    yield event
        finally:
            del self._active[key]

    async def _drive(self, driver: RemoteRun, drive: Callable[[], Awaitable[None]]) -> None:
        await drive()
        run = driver.run
        if run is not None and run.status == "requires_action":
            self._paused[run.id] = driver


def _discard(event: object) -> None:
    """Events before the run's stream exists have nowhere to go (replaced in `_stream`)."""
