"""The soak's per-run checks: each run ended as its scenario says, with the content it says.

Structure alone (a terminal status, one output per call) cannot tell a working engine from
one that drops retries, blanks tool outputs or loses the answer; these checks can.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from agentkit.records import Message, Run, RunStep, ToolCallsStepDetails
from agentkit.stores.base import Store
from tests.soak.scenarios import ECHO, SCENARIOS, Scenario, echo


@dataclass(frozen=True)
class Planned:
    """One run the soak started: its number, scenario and thread."""

    n: int
    scenario: str
    thread_id: str

    @property
    def tag(self) -> str:
        """The run's user message, by which the fake server knows it."""
        return f"soak {self.n} {self.scenario}"


async def outcome_problems(
    store: Store, planned: Planned, attempts: Mapping[tuple[str, int], int]
) -> list[str]:
    """How the run ``planned`` differs from what its scenario expects (empty: it doesn't)."""
    scenario = SCENARIOS[planned.scenario]
    label = f"run {planned.n} ({planned.scenario})"
    runs = await store.list_runs(planned.thread_id, limit=10)
    if len(runs) != 1:
        # A cancellation may land before the run is created; nothing else may.
        return [] if scenario.cancel and not runs else [f"{label}: {len(runs)} runs, expected 1"]
    run = runs[0]
    if run.status != scenario.status:
        return [f"{label}: ended {run.status}{_why(run)}, expected {scenario.status}"]
    if scenario.cancel:
        return []  # how far a cancelled run got is up to the timing
    steps = await store.list_steps(run.id, limit=100, order="asc")
    messages = await store.list_messages(planned.thread_id)
    outputs = _recorded_outputs(steps)
    problems = _ending_problems(scenario, run)
    problems += _output_problems(scenario, outputs)
    problems += _final_text_problems(scenario, messages, outputs)
    seen = {turn: n for (tag, turn), n in attempts.items() if tag == planned.tag}
    if scenario.attempts is not None and seen != dict(scenario.attempts):
        problems.append(f"model requests by tool outputs sent {seen}, expected {scenario.attempts}")
    return [f"{label}: {problem}" for problem in problems]


def _why(run: Run) -> str:
    if run.last_error is not None:
        return f" ({run.last_error.code}: {run.last_error.message})"
    if run.incomplete_details is not None:
        return f" ({run.incomplete_details.reason})"
    if run.status == "expired" and run.started_at is not None:
        return f" ({(run.expires_at or 0) - run.created_at} s after creation)"
    return ""


def _recorded_outputs(steps: list[RunStep]) -> list[str | None]:
    return [
        call.function.output
        for step in steps
        if isinstance(step.step_details, ToolCallsStepDetails)
        for call in step.step_details.tool_calls
    ]


def _ending_problems(scenario: Scenario, run: Run) -> list[str]:
    problems = []
    if scenario.error is not None:
        code, message = scenario.error
        error = run.last_error
        if error is None or error.code != code or not re.fullmatch(message, error.message):
            problems.append(f"last_error {error}, expected code {code!r} and /{message}/")
    reason = run.incomplete_details.reason if run.incomplete_details else None
    if reason != scenario.reason:
        problems.append(f"incomplete reason {reason!r}, expected {scenario.reason!r}")
    return problems


def _output_problems(scenario: Scenario, outputs: list[str | None]) -> list[str]:
    if len(outputs) != len(scenario.outputs):
        return [f"{len(outputs)} tool outputs recorded, expected {len(scenario.outputs)}"]
    return [
        f"tool output {i} is {_short(output)}, expected /{_short(pattern)}/"
        for i, (output, pattern) in enumerate(zip(outputs, scenario.outputs, strict=True))
        if output is None or not re.fullmatch(pattern, output)
    ]


def _final_text_problems(
    scenario: Scenario, messages: list[Message], outputs: list[str | None]
) -> list[str]:
    written = [m.text for m in messages if m.role == "assistant"]
    if scenario.final is None:
        return [] if not written else [f"assistant messages {written}, expected none"]
    expected = echo([o or "" for o in outputs]) if scenario.final == ECHO else scenario.final
    if written[-1:] != [expected]:
        return [f"final text {_short(written[-1]) if written else None}, expected {expected!r}"]
    return []


def _short(text: str | None) -> str:
    if text is None or len(text) <= 80:
        return repr(text)
    return f"{text[:60]!r}…({len(text)} chars)"
