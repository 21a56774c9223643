"""One remote run mirrored locally: the service's objects in, agentkit `RunEvent`s out.

`RunMirror` keeps the last snapshot of the run and of each step and emits the same events a
local run does, in the same order: a status event per status change, ``StepCreatedEvent`` /
``StepCompletedEvent`` around each step, message events with text deltas, a ``UsageEvent``
per model call (a step that reports usage), and the tool call events of the dispatcher.
`feed` translates one event of the SDK's Assistants SSE stream; polling feeds the same
mirror with retrieved objects.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, Literal, get_args

from agentkit.events import (
    MessageCompletedEvent,
    MessageCreatedEvent,
    RunStatusEvent,
    StepCompletedEvent,
    StepCreatedEvent,
    TextDeltaEvent,
    UsageEvent,
)
from agentkit.records import (
    FunctionCall,
    FunctionToolCall,
    Message,
    Run,
    RunStatus,
    RunStep,
    ToolCallsStepDetails,
    now,
)
from agentkit.remote.flavors import RemoteFlavor
from agentkit.remote.objects import message_from, run_from, step_from
from agentkit.runs.dispatcher import ToolOutcome
from agentkit.usage import Usage

__all__ = ["RunMirror", "as_created", "feed"]

_STATUSES = frozenset(get_args(RunStatus))
_NEVER_STARTED = frozenset({"queued", "cancelling", "cancelled", "expired"})
# How a step still open when the run ends is closed, as the local engine closes it.
_STEP_ENDINGS: dict[str, Literal["completed", "cancelled", "failed", "expired"]] = {
    "completed": "completed",
    "cancelled": "cancelled",
    "failed": "failed",
    "expired": "expired",
    "incomplete": "cancelled",
}


class RunMirror:
    """What agentkit knows of one remote run; emits a `RunEvent` for every change.

    Args:
        flavor: maps the backend's statuses.
        emit: receives each event (the run's stream).
    """

    def __init__(self, flavor: RemoteFlavor, emit: Callable[[Any], None]) -> None:
        self.flavor = flavor
        self.emit = emit
        self.run: Run | None = None
        self._shown: RunStatus | None = None
        self.usage = Usage()
        self._steps: dict[str, RunStep] = {}
        self._opened: set[str] = set()
        self._closed: set[str] = set()
        self._deltas: dict[str, dict[int, dict[str, str]]] = {}
        self._outcomes: dict[str, ToolOutcome] = {}
        self._messages: set[str] = set()
        self._made: set[str] = set()

    # -- runs -------------------------------------------------------------------------------
    def on_run(self, run: Run) -> None:
        """A new snapshot of the run; emits a status event when the status changed.

        As in a local run, ``requires_action`` is only shown when the caller must act (see
        `show_pause`), and the service's return to ``queued`` after each submission is not
        shown: the stream reads ``queued``, ``in_progress``, then how the run ended.
        """
        self.run = run
        if run.is_terminal:
            self._close_open_steps(run)
        status = run.status
        if status == "requires_action" or (status == "queued" and self._shown is not None):
            return
        if status != self._shown:
            self._shown = status
            self.emit(RunStatusEvent(run))

    def show_started(self, run: Run) -> None:
        """Show ``in_progress`` if the run got past it between two polls without being seen."""
        if self._shown in (None, "queued") and run.status not in _NEVER_STARTED:
            self._shown = "in_progress"
            self.emit(RunStatusEvent(run.model_copy(update={"status": "in_progress"})))

    def show_pause(self, run: Run) -> None:
        """Show the run waiting in ``requires_action`` for the caller's outputs."""
        self.run = run
        self._shown = run.status
        self.emit(RunStatusEvent(run))

    def tool_step(self, run: Run) -> RunStep:
        """The ``tool_calls`` step the run's required action belongs to, announced.

        The open tool step streamed by the service, completed with the pending calls; or a
        step made up here when the service showed none (a polled run's first stop, whose steps
        are not listed). The service's step for the same calls, listed later, keeps the id
        of the step made up, so each step is reported once under one id.
        """
        assert run.required_action is not None
        self.show_started(run)
        calls = run.required_action.tool_calls
        wanted = {c.id for c in calls}
        for step in reversed(self._steps.values()):
            if step.type == "tool_calls" and step.id not in self._closed:
                known = {c.id for c in _calls(step)}
                if not known or known <= wanted:
                    details = ToolCallsStepDetails(tool_calls=_merge(_calls(step), calls))
                    self.on_step(step.model_copy(update={"step_details": details}))
                    return self._steps[step.id]
        made = RunStep(
            run_id=run.id,
            thread_id=run.thread_id,
            assistant_id=run.assistant_id,
            type="tool_calls",
            step_details=ToolCallsStepDetails(tool_calls=list(calls)),
        )
        self.on_step(made)
        self._made.add(made.id)
        return made

    def record_outcomes(self, step: RunStep, outcomes: list[ToolOutcome]) -> None:
        """Remember how agentkit's tool calls ended, for the step's completed snapshot."""
        self._outcomes.update((o.call.call_id, o) for o in outcomes)
        self._steps[step.id] = self._with_outcomes(self._steps.get(step.id, step))

    # -- steps ------------------------------------------------------------------------------
    def on_step(self, step: RunStep) -> None:
        """A new snapshot of a step: announce it, and report it ended once it has."""
        step = self._with_outcomes(self._with_deltas(self._as_made(step)))
        self._steps[step.id] = step
        if step.type == "tool_calls" and not _calls(step) and step.status == "in_progress":
            return  # announced once its calls are known, as local steps are
        if step.id not in self._opened:
            self._opened.add(step.id)
            self.emit(StepCreatedEvent(as_created(step)))
        if step.status != "in_progress" and step.id not in self._closed:
            self._closed.add(step.id)
            if step.usage is not None and step.usage.total_tokens:
                used = Usage(1, step.usage.prompt_tokens, step.usage.completion_tokens)
                self.usage = self.usage + used
                self.emit(UsageEvent(used, self.usage))
            self.emit(StepCompletedEvent(step))

    def on_step_delta(self, step_id: str, tool_calls: list[dict[str, Any]]) -> None:
        """Streamed pieces of a step's function calls (ids, names, argument fragments)."""
        calls = self._deltas.setdefault(step_id, {})
        for delta in tool_calls:
            if delta.get("type") != "function":
                continue
            call = calls.setdefault(int(delta.get("index", 0)), {"arguments": ""})
            function = delta.get("function") or {}
            if delta.get("id"):
                call["id"] = delta["id"]
            if function.get("name"):
                call["name"] = function["name"]
            call["arguments"] += function.get("arguments") or ""

    @property
    def has_messages(self) -> bool:
        """Whether any message of the run has been shown."""
        return bool(self._messages)

    def known_steps(self) -> set[str]:
        """Ids of the steps already reported as ended."""
        return set(self._closed)

    # -- messages ---------------------------------------------------------------------------
    def on_message_created(self, message: Message) -> None:
        """The assistant started a message."""
        if message.id not in self._messages:
            self._messages.add(message.id)
            self.emit(MessageCreatedEvent(message))

    def on_text(self, message_id: str, text: str) -> None:
        """A piece of a message's text."""
        if text:
            self.emit(TextDeltaEvent(message_id, text))

    def on_message_done(self, message: Message) -> None:
        """A message is complete (or was cut short)."""
        self.on_message_created(message.model_copy(update={"content": [], "status": "in_progress"}))
        self.emit(MessageCompletedEvent(message))

    def replay_message(self, message: Message) -> None:
        """A whole message seen at once (polling): created, its text, completed."""
        self.on_message_created(message.model_copy(update={"content": [], "status": "in_progress"}))
        self.on_text(message.id, message.text)
        self.emit(MessageCompletedEvent(message))

    # -- internals --------------------------------------------------------------------------
    def _close_open_steps(self, run: Run) -> None:
        ending = _STEP_ENDINGS.get(run.status, "cancelled")
        stamp = "expired_at" if ending == "expired" else f"{ending}_at"
        for step_id in [s for s in self._opened if s not in self._closed]:
            update: dict[str, Any] = {"status": ending, stamp: now()}
            if ending == "failed":
                update["last_error"] = run.last_error
            self.on_step(self._steps[step_id].model_copy(update=update))

    def _as_made(self, step: RunStep) -> RunStep:
        """The service's tool step under the id of the step made up for the same calls."""
        if step.type != "tool_calls" or step.id in self._steps or not self._made:
            return step
        calls = {c.id for c in _calls(step)}
        for made in self._made:
            if calls and calls == {c.id for c in _calls(self._steps[made])}:
                return step.model_copy(update={"id": made})
        return step

    def _with_deltas(self, step: RunStep) -> RunStep:
        streamed = self._deltas.get(step.id)
        if step.type != "tool_calls" or not streamed or _calls(step):
            return step
        calls = [
            FunctionToolCall(
                id=c.get("id", ""),
                function=FunctionCall(name=c.get("name", ""), arguments=c["arguments"]),
            )
            for _, c in sorted(streamed.items())
        ]
        return step.model_copy(update={"step_details": ToolCallsStepDetails(tool_calls=calls)})

    def _with_outcomes(self, step: RunStep) -> RunStep:
        if step.type != "tool_calls" or not self._outcomes:
            return step
        calls = []
        for call in _calls(step):
            outcome = self._outcomes.get(call.id)
            if outcome is not None:
                output = call.function.output
                function = call.function.model_copy(
                    update={"output": outcome.output if output is None else output}
                )
                call = call.model_copy(
                    update={
                        "function": function,
                        "error": outcome.error,
                        "duration_ms": round(outcome.duration_ms, 3),
                    }
                )
            calls.append(call)
        return step.model_copy(update={"step_details": ToolCallsStepDetails(tool_calls=calls)})


def feed(mirror: RunMirror, name: str, data: Mapping[str, Any]) -> None:
    """Apply one event of the service's Assistants stream, its JSON as it came.

    Unknown events are ignored.
    """
    if name.startswith("thread.run.step."):
        if name.endswith(".delta"):
            details = (data.get("delta") or {}).get("step_details") or {}
            mirror.on_step_delta(data["id"], details.get("tool_calls") or [])
        else:
            mirror.on_step(step_from(data))
    elif name.startswith("thread.run."):
        hint = name.removeprefix("thread.run.")
        mirror.on_run(_run_for_event(data, mirror.flavor, hint))
    elif name == "thread.message.created":
        mirror.on_message_created(message_from(data))
    elif name == "thread.message.delta":
        for part in (data.get("delta") or {}).get("content") or []:
            if part.get("type") == "text":
                mirror.on_text(data["id"], (part.get("text") or {}).get("value") or "")
    elif name in ("thread.message.completed", "thread.message.incomplete"):
        mirror.on_message_done(message_from(data))


def _run_for_event(data: Mapping[str, Any], flavor: RemoteFlavor, hint: str) -> Run:
    run = run_from(data, flavor)
    reported = data.get("status")
    # The event name is authoritative when the payload's status is missing or unknown, and
    # for thread.run.incomplete, which Foundry sends though its statuses lack the value.
    if hint in _STATUSES and (reported not in _STATUSES or hint == "incomplete"):
        return run.model_copy(update={"status": hint})
    return run


def _calls(step: RunStep) -> list[FunctionToolCall]:
    details = step.step_details
    return details.tool_calls if isinstance(details, ToolCallsStepDetails) else []


def _merge(
    known: list[FunctionToolCall], pending: list[FunctionToolCall]
) -> list[FunctionToolCall]:
    by_id = {c.id: c for c in known}
    return [by_id.get(c.id, c) for c in pending] if known else list(pending)


def as_created(step: RunStep) -> RunStep:
    """The step as it was when it began (in progress, no ending, no usage)."""
    if step.status == "in_progress":
        return step
    return step.model_copy(
        update={
            "status": "in_progress",
            "completed_at": None,
            "cancelled_at": None,
            "failed_at": None,
            "expired_at": None,
            "last_error": None,
            "usage": None,
        }
    )
