"""Driving one remote run: stream or poll it to each stop, answer its tools, submit, repeat.

How a remote run ends, decided here in one place (as `agentkit.runs.loop` does locally):

=========================================  ==================================================
what happened                              how the run ends
=========================================  ==================================================
the service ended the run                  as the service says (status, ``last_error``)
a tool the caller answers was called       ``requires_action`` (`submit_tool_outputs` resumes)
a call waits for a person's approval       ``requires_action`` (`submit_tool_approvals` resumes)
``max_turns`` tool rounds were made        ``incomplete``, reason ``max_turns``
a tool kept failing                        ``failed``, ``last_error.code == "tool_error"``
the service asked for another action kind  ``failed``, ``unsupported_required_action``
``expires_at`` passed without an ending    ``expired``, ``last_error.code == "run_expired"``
the service could not be reached           ``failed``, ``last_error`` from the `ModelError`
the caller cancelled                       the remote run is cancelled (see `RemoteRunner`)
=========================================  ==================================================

Whenever agentkit ends a run itself, it first cancels the remote run so nothing keeps going.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import replace
from typing import Any, Literal

from agentkit.exceptions import InvalidRunStateError
from agentkit.models.errors import model_error_from
from agentkit.records import (
    FunctionToolCall,
    IncompleteDetails,
    LastError,
    RequiredAction,
    Run,
    SubmitToolOutputs,
    ToolApproval,
    now,
)
from agentkit.redaction import mask_credentials
from agentkit.remote.answering import ToolAnswerer
from agentkit.remote.approving import ApprovalWait, approval_pause, approvals_wire, decide_local
from agentkit.remote.calls import AssistantsCalls
from agentkit.remote.catch_up import catch_up
from agentkit.remote.errors import SERVICE_ERRORS as _SERVICE_ERRORS
from agentkit.remote.errors import start_error
from agentkit.remote.events import RunMirror
from agentkit.remote.objects import run_from
from agentkit.remote.stops import RemoteSettings, RunStops
from agentkit.runs.matching import Approvals, ToolOutputs, match_approvals, match_outputs
from agentkit.runs.tool_calls import ToolRetriesExhausted

__all__ = ["RemoteRun"]

_log = logging.getLogger("agentkit.remote")
# Keeps shielded cancel requests alive when their caller is cancelled while waiting.
_BACKGROUND: set[asyncio.Task[Any]] = set()


class _EndRun(Exception):
    def __init__(
        self,
        status: Literal["failed", "incomplete", "expired"],
        *,
        reason: str | None = None,
        error: LastError | None = None,
    ) -> None:
        super().__init__(status)
        self.status = status
        self.reason = reason
        self.error = error


class RemoteRun:
    """One run on the service, mirrored into agentkit events and answered by agentkit tools."""

    def __init__(
        self,
        calls: AssistantsCalls,
        settings: RemoteSettings,
        mirror: RunMirror,
        answerer: ToolAnswerer,
        thread_id: str | None,
    ) -> None:
        self.calls = calls
        self.settings = settings
        self.mirror = mirror
        self.answerer = answerer
        self.stops = RunStops(calls, settings, mirror, thread_id, on_progress=self._arm)
        self.turns = 0
        self._held: dict[str, str] = {}
        self._waiting: list[FunctionToolCall] = []
        self._order: list[str] = []
        self._approval: ApprovalWait | None = None
        self._later: list[FunctionToolCall] = []
        self._deadline: asyncio.Timeout | None = None
        self._cancel_sent = False

    @property
    def run(self) -> Run | None:
        """The run as last seen (None until the service created it)."""
        return self.mirror.run

    @property
    def thread_id(self) -> str:
        """The run's thread ("" while a new thread waits to be created with the run)."""
        return self.stops.thread_id

    # -- entry points ------------------------------------------------------------------------
    async def start(self, params: Mapping[str, Any]) -> None:
        """Create the run and drive it until it ends or waits for the caller."""
        await self._drive(lambda: self.stops.begin(params))

    async def resume(self, outputs: ToolOutputs) -> None:
        """Submit the caller's outputs with agentkit's own, and drive on.

        Raises:
            ToolOutputsMismatchError: the outputs do not cover the waiting calls exactly once.
        """
        given = self.check_outputs(outputs)
        merged = {**self._held, **given}
        run = self.mirror.run
        assert run is not None
        self._waiting, self._held = [], {}
        await self._drive(lambda: self.stops.submit(run, [(i, merged[i]) for i in self._order]))

    def check_outputs(self, outputs: ToolOutputs) -> dict[str, str]:
        """The caller's outputs by call id, if they cover the waiting calls exactly once.

        Raises:
            ToolOutputsMismatchError: naming the missing, unexpected and repeated call ids.
            InvalidRunStateError: the run waits for approvals, not outputs.
        """
        if self._approval is not None:
            raise InvalidRunStateError("The run waits for approvals, not for tool outputs.")
        return match_outputs([c.id for c in self._waiting], outputs)

    def check_approvals(self, approvals: Approvals) -> dict[str, ToolApproval]:
        """The decisions by call id, if they decide the waiting calls exactly once each.

        Raises:
            ApprovalsMismatchError: see `agentkit.runs.matching.match_approvals`.
            InvalidRunStateError: the run waits for outputs, not approvals.
        """
        if self._approval is None:
            raise InvalidRunStateError("The run waits for tool outputs, not for approvals.")
        return match_approvals(self._approval.calls, approvals)

    async def resume_approvals(self, approvals: Approvals) -> None:
        """Act on the decisions (run agentkit's approved calls, or send the service's), drive on.

        Raises:
            ApprovalsMismatchError: the decisions do not match the waiting calls.
        """
        decisions = self.check_approvals(approvals)
        wait, self._approval = self._approval, None
        assert wait is not None
        run = self.mirror.run
        assert run is not None
        if wait.remote:
            body = approvals_wire(decisions, self.mirror.flavor)
            await self._drive(lambda: self.stops.submit_approvals(run, body))
        else:
            await self._drive(lambda: self._after_approval(run, wait, decisions))

    async def cancel_remote(self) -> Run | None:
        """Ask the service to cancel the run; sent even if the caller is cancelled meanwhile."""
        run = self.mirror.run
        if run is None or run.is_terminal or self._cancel_sent:
            return None
        self._cancel_sent = True
        task = asyncio.create_task(self.calls.cancel(self.thread_id, run.id))
        _BACKGROUND.add(task)
        task.add_done_callback(_forget)
        try:
            sdk_run, _ = await asyncio.shield(task)
        except _SERVICE_ERRORS as exc:
            _log.warning("could not cancel remote run %s: %s", run.id, mask_credentials(str(exc)))
            return None
        seen = run_from(sdk_run, self.mirror.flavor)
        self.mirror.run = seen  # recorded, not shown: how the run ends is shown afterwards
        return seen

    async def finish_cancel(self) -> None:
        """After `cancel_remote`: watch the run until it ends; if it will not, end it locally."""
        await self.cancel_remote()  # a no-op when the driving task already sent it
        run = self.mirror.run
        if run is None or run.is_terminal:
            return
        try:
            async with asyncio.timeout(self.settings.cancel_timeout):
                while not run.is_terminal:
                    sdk_run, headers = await self.calls.retrieve_run(self.thread_id, run.id)
                    run = run_from(sdk_run, self.mirror.flavor)
                    if not run.is_terminal:
                        await self.settings.poll.sleep(self.settings.poll.interval(headers))
        except (TimeoutError, *_SERVICE_ERRORS):
            run = run.model_copy(
                update={"status": "cancelled", "cancelled_at": now(), "required_action": None}
            )
        self.mirror.on_run(run)

    # -- the loop ----------------------------------------------------------------------------
    async def _drive(self, first: Callable[[], Awaitable[Run | None]]) -> None:
        try:
            async with asyncio.timeout(None) as deadline:
                self._deadline = deadline
                self._arm()
                await self._advance(first)
        except TimeoutError:
            if self._deadline is None or not self._deadline.expired():
                raise
            await self._expire()
        except _EndRun as end:
            await self._end_locally(end.status, reason=end.reason, error=end.error)
        except ToolRetriesExhausted as exc:
            await self._end_locally("failed", error=LastError(code="tool_error", message=str(exc)))
        except _SERVICE_ERRORS as exc:
            if self.mirror.run is None:
                raise start_error(exc) from exc
            error = model_error_from(exc)
            await self._end_locally("failed", error=LastError(code=error.code, message=str(error)))
        except asyncio.CancelledError:
            await self.cancel_remote()
            raise

    async def _advance(self, first: Callable[[], Awaitable[Run | None]]) -> None:
        run = await first()
        while run is not None and run.status == "requires_action":
            outputs = await self._answer(run)
            if outputs is None:
                return
            run = await self.stops.submit(run, outputs)

    async def _answer(self, run: Run) -> list[tuple[str, str]] | None:
        action = run.required_action
        if action is None:
            raise _EndRun(
                "failed",
                error=LastError(
                    code="unsupported_required_action",
                    message="The service asked for an action other than submit_tool_outputs "
                    "or submit_tool_approval, which agentkit cannot perform.",
                ),
            )
        if action.type == "submit_tool_approval":
            self._approval = ApprovalWait(action.tool_calls)
            self.mirror.show_pause(run)
            return None
        self.turns += 1
        self.stops.list_steps_at_pauses = True  # see RunStops.list_steps_at_pauses
        if self.turns >= self.answerer.agent.limits.max_turns:
            raise _EndRun("incomplete", reason="max_turns")
        calls = action.tool_calls
        # A new thread's id is known once the service created it with the run.
        self.answerer.ctx = replace(self.answerer.ctx, thread_id=run.thread_id)
        step = self.mirror.tool_step(run)
        ours, callers = self.answerer.split(calls)
        ours, waiting = await self.answerer.split_approvals(ours)
        outcomes = await self.answerer.answer(ours, run.id)
        self.mirror.record_outcomes(step, outcomes)
        self._held = {o.call.call_id: o.output for o in outcomes}
        self._order = [c.id for c in calls]
        if waiting:
            records = {c.id: c for c in calls}
            self._approval = ApprovalWait([records[c.call_id] for c in waiting], waiting, step)
            self._later = callers
            self.mirror.show_pause(approval_pause(run, self._approval.calls))
            return None
        return self._outputs_or_pause(run, callers)

    def _outputs_or_pause(
        self, run: Run, callers: list[FunctionToolCall]
    ) -> list[tuple[str, str]] | None:
        """Every output in the service's order, or a pause for the caller's own calls."""
        if callers:
            self._waiting = callers
            action = RequiredAction(submit_tool_outputs=SubmitToolOutputs(tool_calls=callers))
            self.mirror.show_pause(run.model_copy(update={"required_action": action}))
            return None
        held, self._held = self._held, {}
        return [(call_id, held[call_id]) for call_id in self._order]

    async def _after_approval(
        self, run: Run, wait: ApprovalWait, decisions: dict[str, ToolApproval]
    ) -> Run | None:
        outcomes = await decide_local(self.answerer, wait, decisions, run.id)
        assert wait.step is not None
        self.mirror.record_outcomes(wait.step, outcomes)
        self._held.update((o.call.call_id, o.output) for o in outcomes)
        callers, self._later = self._later, []
        outputs = self._outputs_or_pause(run, callers)
        return None if outputs is None else await self.stops.submit(run, outputs)

    # -- endings -----------------------------------------------------------------------------
    def _arm(self) -> None:
        """Set the deadline to the run's ``expires_at`` (plus grace) once it is known."""
        run = self.mirror.run
        if self._deadline is None or run is None or run.expires_at is None:
            return
        left = run.expires_at + self.settings.expiry_grace - time.time()
        self._deadline.reschedule(asyncio.get_running_loop().time() + max(left, 0))

    async def _expire(self) -> None:
        run = self.mirror.run
        assert run is not None
        try:
            sdk_run, _ = await self.calls.retrieve_run(self.thread_id, run.id)
            run = run_from(sdk_run, self.mirror.flavor)
        except _SERVICE_ERRORS:
            pass
        if run.is_terminal:
            await catch_up(self.calls, self.mirror, self.thread_id, run)
            self.mirror.on_run(run)
            return
        message = (
            f"The remote run {run.id} did not end by its expires_at ({run.expires_at}); "
            "agentkit stopped waiting and cancelled it."
        )
        await self._end_locally("expired", error=LastError(code="run_expired", message=message))

    async def _end_locally(
        self,
        status: Literal["failed", "incomplete", "expired"],
        *,
        reason: str | None = None,
        error: LastError | None = None,
    ) -> None:
        await self.cancel_remote()
        run = self.mirror.run
        assert run is not None
        fields: dict[str, Any] = {
            "status": status,
            "required_action": None,
            "last_error": error,
            "incomplete_details": IncompleteDetails(reason=reason) if reason else None,
        }
        if status == "failed":
            fields["failed_at"] = now()
        self.mirror.on_run(run.model_copy(update=fields))


def _forget(task: asyncio.Task[Any]) -> None:
    _BACKGROUND.discard(task)
    if not task.cancelled():
        task.exception()  # retrieved, so a failed background cancel is not reported twice
