"""What a finished (or paused) run returns."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Generic, cast

from typing_extensions import TypeVar

from agentkit.events import (
    FinalOutputEvent,
    MessageCompletedEvent,
    RunEvent,
    RunStatusEvent,
    StepCompletedEvent,
    StepCreatedEvent,
    UsageEvent,
)
from agentkit.exceptions import OutputUnavailableError, UserError
from agentkit.records import (
    FunctionToolCall,
    LastError,
    Message,
    Run,
    RunStatus,
    RunStep,
    ToolCallsStepDetails,
)
from agentkit.runs.citations import Citation, citations_of
from agentkit.usage import Usage

__all__ = ["OutputT", "RunResult", "RunResultBuilder"]

OutputT = TypeVar("OutputT", default=str)
"""The type of a run's final answer: ``str`` unless the agent has an ``output_type``."""

_TEXT = object()  # no typed output: the answer is the text


@dataclass(frozen=True)
class RunResult(Generic[OutputT]):
    """The outcome of a run.

    Attributes:
        run: the run as it ended (or paused in ``requires_action``).
        steps: its steps in order, the last version of each.
        messages: the assistant messages it wrote.
        kept_events: every event the run streamed, in order, when the run was asked to keep
            them (``keep_events=True``); otherwise None. Read them as `events`.
        model_requests: how many model requests the run made.
        typed_output: the validated answer of a typed agent (see `output`).
    """

    run: Run
    steps: list[RunStep]
    messages: list[Message]
    kept_events: list[RunEvent] | None = field(default=None, repr=False)
    model_requests: int = 0
    typed_output: Any = field(default=_TEXT, repr=False)

    @property
    def events(self) -> list[RunEvent]:
        """Every event the run streamed, in order (kept only when asked).

        Raises:
            UserError: the run was not asked to keep its events.
        """
        if self.kept_events is None:
            raise UserError(
                "RunResult.events: this run's events were not kept (they cost memory for every "
                "result held); pass keep_events=True to run() or submit_tool_outputs(), or "
                "read them as they come with iter_run()"
            )
        return self.kept_events

    @property
    def output(self) -> OutputT:
        """The final answer: validated into the agent's ``output_type``, else the text.

        Raises:
            OutputUnavailableError: the run did not complete (it failed, was cancelled,
                paused...); the message says how it ended and why.
        """
        run = self.run
        if run.status != "completed":
            why = f" ({run.last_error.code}: {run.last_error.message})" if run.last_error else ""
            if run.incomplete_details is not None:
                why = f" ({run.incomplete_details.reason})"
            raise OutputUnavailableError(
                f"Run {run.id} has no output: it is {run.status}{why}.", run=run
            )
        if self.typed_output is _TEXT:
            return cast(OutputT, self.output_text)
        return cast(OutputT, self.typed_output)

    @property
    def status(self) -> RunStatus:
        """The run's status."""
        return self.run.status

    @property
    def output_text(self) -> str:
        """The text of the last assistant message ("" if there was none)."""
        return self.messages[-1].text if self.messages else ""

    @property
    def thread_id(self) -> str:
        """The thread to continue the conversation on."""
        return self.run.thread_id

    @property
    def last_error(self) -> LastError | None:
        """Why the run failed, if it did."""
        return self.run.last_error

    @property
    def usage(self) -> Usage:
        """Tokens and model requests used."""
        usage = self.run.usage
        if usage is None:
            return Usage(requests=self.model_requests)
        return Usage(self.model_requests, usage.prompt_tokens, usage.completion_tokens)

    @property
    def tool_calls(self) -> list[FunctionToolCall]:
        """Every tool call with arguments, output, error and duration, in order."""
        return [
            call
            for step in self.steps
            if isinstance(step.step_details, ToolCallsStepDetails)
            for call in step.step_details.tool_calls
        ]

    @property
    def citations(self) -> list[Citation]:
        """The ``file_citation`` annotations of the run's messages, with the chunks they cite."""
        return citations_of(self.messages, self.steps)

    @property
    def pending_tool_calls(self) -> list[FunctionToolCall]:
        """The calls waiting for outputs when the run is in ``requires_action``."""
        action = self.run.required_action
        return list(action.submit_tool_outputs.tool_calls) if action is not None else []

    @property
    def pending_approvals(self) -> list[FunctionToolCall]:
        """The calls waiting for a person's decision (``submit_tool_approval``)."""
        action = self.run.required_action
        waiting = action.submit_tool_approval if action is not None else None
        return list(waiting.tool_calls) if waiting is not None else []


class RunResultBuilder:
    """Collects a run's events into a `RunResult`.

    Args:
        keep_events: keep every event for `RunResult.events` (otherwise only what the
            result's other fields need).
    """

    def __init__(self, *, keep_events: bool = False) -> None:
        self.events: list[RunEvent] | None = [] if keep_events else None
        self._run: Run | None = None
        self._steps: dict[str, RunStep] = {}
        self._messages: list[Message] = []
        self._output: Any = _TEXT
        self._requests = 0

    def add(self, event: RunEvent) -> None:
        """Take one event into account."""
        if self.events is not None:
            self.events.append(event)
        if isinstance(event, UsageEvent):
            self._requests += event.usage.requests
        elif isinstance(event, RunStatusEvent):
            self._run = event.run
        elif isinstance(event, StepCreatedEvent | StepCompletedEvent):
            self._steps[event.step.id] = event.step
        elif isinstance(event, MessageCompletedEvent):
            self._messages.append(event.message)
        elif isinstance(event, FinalOutputEvent):
            self._output = event.output

    def result(self) -> RunResult[Any]:
        """The result so far (the run must have emitted at least one status)."""
        assert self._run is not None, "a run always emits its status first"
        steps = list(self._steps.values())
        return RunResult(
            self._run, steps, self._messages, self.events, self._requests, self._output
        )
