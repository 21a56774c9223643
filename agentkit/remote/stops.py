"""Taking a remote run to its next stop: create it or submit to it, then stream or poll.

A stop is where the run ended or waits in ``requires_action``. Streamed, the events are fed
to the run's `RunMirror` as they come (a broken stream is followed by polling); polled, the
run is retrieved at once and then as `PollPolicy` says, and at a stop the steps the polls
could not see are listed (`catch_up`).
"""

from __future__ import annotations

import logging
import warnings
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

import openai

from agentkit.exceptions import ModelError
from agentkit.records import Run
from agentkit.redaction import mask_credentials
from agentkit.remote.calls import AssistantsCalls, Headers, RawEvents
from agentkit.remote.catch_up import catch_up
from agentkit.remote.errors import SERVICE_ERRORS as _SERVICE_ERRORS
from agentkit.remote.events import RunMirror, feed
from agentkit.remote.flavors import RemoteDeviationWarning
from agentkit.remote.objects import run_from
from agentkit.remote.polling import PollPolicy

__all__ = ["RemoteSettings", "RunStops"]

_log = logging.getLogger("agentkit.remote")


@dataclass(frozen=True)
class RemoteSettings:
    """How remote runs are watched (shared by every run of a `RemoteRunner`)."""

    mode: Literal["stream", "poll"]
    poll: PollPolicy
    expiry_grace: float
    cancel_timeout: float


class RunStops:
    """The requests that take one remote run from stop to stop.

    Args:
        calls: the service's Assistants calls.
        settings: stream or poll, and how to poll.
        mirror: receives what the service shows of the run.
        thread_id: the run's thread, or None to create a new one with the run.
        on_progress: called whenever the run was seen (the driver re-arms its deadline).

    Attributes:
        list_steps_at_pauses: whether a ``requires_action`` stop lists the run's steps. Not
            at the run's first pause: the required action already names the calls (the tool
            step is made up, see `RunMirror.tool_step`), and they are listed at the next
            stop, one request fewer for a run with one round of tools. The driver sets it
            once it answered a round of calls.
    """

    def __init__(
        self,
        calls: AssistantsCalls,
        settings: RemoteSettings,
        mirror: RunMirror,
        thread_id: str | None,
        *,
        on_progress: Callable[[], None],
    ) -> None:
        self.calls = calls
        self.settings = settings
        self.mirror = mirror
        self.on_progress = on_progress
        self.list_steps_at_pauses = False
        self._thread_id = thread_id

    @property
    def thread_id(self) -> str:
        """The run's thread ("" while a new thread waits to be created with the run)."""
        run = self.mirror.run
        return run.thread_id if run is not None else self._thread_id or ""

    async def begin(self, params: Mapping[str, Any]) -> Run:
        """Create the run (with its new thread, given none) and take it to its first stop."""
        if self._thread_id is not None:
            return await self._create(params)
        # One request for thread, message and run, unless the service lacks the route or the
        # run has additional_instructions (which POST /threads/runs does not take).
        if not self.calls.thread_and_run or "additional_instructions" in params:
            return await self._on_a_new_thread(params)
        try:
            return await self._create(params)
        except openai.NotFoundError:
            if self.mirror.run is not None:
                raise
        # No such route, or no such assistant: creating the thread first tells which.
        run = await self._on_a_new_thread(params)
        self.calls.thread_and_run = False
        warnings.warn(
            "The service has no POST /threads/runs; agentkit creates each new thread first "
            "(one request more per run).",
            RemoteDeviationWarning,
            stacklevel=2,
        )
        return run

    async def _on_a_new_thread(self, params: Mapping[str, Any]) -> Run:
        """Create a thread for the run, then the run on it with the thread's messages.

        A run the service refuses (its assistant was deleted, a bad parameter) leaves no
        empty thread behind: the thread is deleted again.
        """
        self._thread_id = (await self.calls.create_thread()).id
        body = dict(params)
        messages = body.pop("thread")["messages"]
        if messages:
            body["additional_messages"] = messages
        try:
            return await self._create(body)
        except openai.APIStatusError:
            if self.mirror.run is None:
                await self._delete_new_thread()
            raise

    async def _delete_new_thread(self) -> None:
        thread_id, self._thread_id = self._thread_id, None
        assert thread_id is not None
        try:
            await self.calls.delete_thread(thread_id)
        except _SERVICE_ERRORS as exc:  # the run's own error is the one to report
            _log.warning(
                "could not delete the new thread %s of a refused run: %s",
                thread_id,
                mask_credentials(str(exc)),
            )

    async def _create(self, params: Mapping[str, Any]) -> Run:
        """Create the run (and its new thread, given none) and drive it to its first stop."""
        new_thread = self._thread_id is None
        if self.settings.mode == "stream":
            if new_thread:
                stream = await self.calls.stream_thread_and_run(params)
            else:
                stream = await self.calls.stream_run(self.thread_id, params)
            return await self._consume(stream)
        if new_thread:
            sdk_run, headers = await self.calls.create_thread_and_run(params)
        else:
            sdk_run, headers = await self.calls.create_run(self.thread_id, params)
        return await self._poll_from(run_from(sdk_run, self.mirror.flavor), headers)

    async def submit(self, run: Run, outputs: list[tuple[str, str]]) -> Run:
        """Submit every output at once and take the run to its next stop."""
        body = [{"tool_call_id": call_id, "output": output} for call_id, output in outputs]
        if self.settings.mode == "stream":
            return await self._consume(await self.calls.stream_submit(self.thread_id, run.id, body))
        sdk_run, headers = await self.calls.submit(self.thread_id, run.id, body)
        return await self._poll_from(run_from(sdk_run, self.mirror.flavor), headers)

    async def submit_approvals(self, run: Run, body: list[dict[str, Any]]) -> Run:
        """Submit Foundry's ``tool_approvals`` and take the run to its next stop."""
        if self.settings.mode == "stream":
            stream = await self.calls.stream_approvals(self.thread_id, run.id, body)
            return await self._consume(stream)
        sdk_run, headers = await self.calls.submit_approvals(self.thread_id, run.id, body)
        return await self._poll_from(run_from(sdk_run, self.mirror.flavor), headers)

    async def _consume(self, stream: RawEvents) -> Run:
        try:
            async for event in stream:
                if _is_event(event):  # anything else is no Assistants event: skipped
                    feed(self.mirror, event["event"], event["data"])
                self.on_progress()
        except _SERVICE_ERRORS as exc:
            # A dropped stream (or an error event) does not end the run: find out by polling.
            _log.warning("remote run stream broke, polling instead: %s", mask_credentials(str(exc)))
            if self.mirror.run is None:
                raise
        finally:
            await stream.close()
        run = self.mirror.run
        if run is None:
            raise ModelError(
                "The run stream ended before the run was created.", code="stream_interrupted"
            )
        if _stopped(run):
            return run
        return await self._poll_from(run, {})

    async def _poll_from(self, run: Run, headers: Headers) -> Run:
        if not _stopped(run):
            self.mirror.on_run(run)
            self.on_progress()
        waited = -1  # the first retrieve goes at once
        while not _stopped(run):
            if waited >= 0:
                await self.settings.poll.sleep(self.settings.poll.interval(headers, waited))
            waited += 1
            sdk_run, headers = await self.calls.retrieve_run(self.thread_id, run.id)
            run = run_from(sdk_run, self.mirror.flavor)
            if not _stopped(run):
                self.mirror.on_run(run)
        self.mirror.show_started(run)
        if run.is_terminal or self.list_steps_at_pauses:
            # Not at the first pause: see list_steps_at_pauses.
            await catch_up(self.calls, self.mirror, self.thread_id, run)
        self.mirror.on_run(run)
        self.on_progress()
        return run


def _stopped(run: Run) -> bool:
    """Whether the run is at a stop: ended, or waiting in ``requires_action``."""
    return run.is_terminal or run.status == "requires_action"


def _is_event(item: object) -> bool:
    """Whether a streamed item is an Assistants event (``{"event": name, "data": {...}}``)."""
    return (
        isinstance(item, dict)
        and isinstance(item.get("event"), str)
        and isinstance(item.get("data"), dict)
    )
