"""The run loop's steps. Each takes the `RunState`, does one thing, and records it.

Objects that were emitted in an event are never mutated afterwards: a step builds the new
version with ``model_copy`` and replaces it in the state.

Every write is a checkpoint (`save_checkpoint`): the run, its state, and the steps and
messages the step made, in one store operation fenced by the driver's lease, so a process
that takes the run over finds a state the loop can continue from, and a driver whose run
was cancelled meanwhile writes nothing (`RunLost`). Events are emitted once the write is in.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from typing import Any, Literal

from agentkit.calls import ModelCall, ModelHandler, ModelResponse, ToolCall
from agentkit.events import RunStatusEvent, StepCompletedEvent, StepCreatedEvent, UsageEvent
from agentkit.exceptions import ModelError
from agentkit.models.answer_tool import stream_answer
from agentkit.models.events import ModelResponseDone, ModelTextDelta, ModelToolCall
from agentkit.models.request import (
    AssistantMessageItem,
    ModelRequest,
    ToolCallItem,
    ToolChoice,
    ToolOutputItem,
)
from agentkit.records import (
    FunctionCall,
    FunctionToolCall,
    IncompleteDetails,
    LastError,
    Message,
    RequiredAction,
    RunStatus,
    RunStep,
    RunUsage,
    SubmitToolOutputs,
    ToolCallsStepDetails,
    now,
)
from agentkit.runs.dispatcher import ToolOutcome
from agentkit.runs.hosted import pending_record, with_hosted_result
from agentkit.runs.lease import RunLost
from agentkit.runs.message_writer import MessageWriter
from agentkit.runs.state import RunState
from agentkit.runs.tool_calls import count_failures, split_calls
from agentkit.stores.base import DRIVEN_RUN_STATUSES
from agentkit.tool_choice.base import TurnInfo, wire_tool_choice
from agentkit.tools.definition import ToolDefinition
from agentkit.tools.images import take_images
from agentkit.usage import Usage

__all__ = [
    "apply_outcomes",
    "build_request",
    "call_model",
    "close_tool_step",
    "end_run",
    "model_stream_handler",
    "open_tool_step",
    "pause_run",
    "pending_calls",
    "run_usage",
    "save_checkpoint",
    "set_status",
    "turn_info",
    "with_outcome",
]

Emit = Callable[[Any], None]


async def save_checkpoint(
    state: RunState,
    *,
    expected: Collection[str] = ("in_progress",),
    steps: Sequence[RunStep] = (),
    messages: Sequence[Message] = (),
) -> None:
    """Save the run with its state, and ``steps`` and ``messages``, while the driver holds it.

    The write renews the driver's lease.

    Raises:
        RunLost: the run was cancelled or taken over meanwhile (nothing was written).
    """
    saved = await state.store.transition_run(
        state.run,
        expected=expected,
        state=state.to_json(),
        steps=steps,
        messages=messages,
        lease=state.terms.lease(),
    )
    if not saved:
        raise RunLost(state.run.id)


async def set_status(state: RunState, status: RunStatus, **fields: Any) -> None:
    """Move the driven run to ``status``, save it with the engine state, and emit the change."""
    state.run = state.run.model_copy(update={"status": status, **fields})
    await save_checkpoint(state, expected=DRIVEN_RUN_STATUSES)
    state.ctx.emit(RunStatusEvent(state.run))


def turn_info(state: RunState, tools: tuple[ToolDefinition, ...]) -> TurnInfo:
    """What the agent's tool-choice policy sees before the next model call."""
    return TurnInfo(
        turn=state.turn + 1,
        tool_history=tuple(state.tool_history),
        last_turn_calls=state.last_turn_calls,
        tool_names=tuple(tool.name for tool in tools),
    )


def build_request(
    state: RunState, tools: tuple[ToolDefinition, ...], tool_choice: ToolChoice
) -> ModelRequest:
    """The model request for the next turn."""
    agent = state.agent
    return ModelRequest(
        instructions=state.run.instructions or None,
        items=(*state.history, *state.items),
        tools=tools,
        tool_choice=tool_choice,
        parallel_tool_calls=agent.parallel_tool_calls,
        settings=agent.settings,
        run_id=state.run.id,
        turn=state.turn,
        output=agent.output.format if agent.output is not None else None,
        live=state.live,
    )


def model_stream_handler(state: RunState) -> ModelHandler:
    """The innermost model handler: drain the adapter's stream into a `ModelResponse`.

    It notes the request as the middleware passed it on, in ``state.last_request``, and
    adds the call's usage to the run's. The model is the agent's that has the run now (a
    handoff changes it).
    """

    async def handle(call: ModelCall) -> ModelResponse:
        state.last_request = call.request
        parts: list[str] = []
        calls: list[ModelToolCall] = []
        done: ModelResponseDone | None = None
        async for event in stream_answer(state.agent.model, call.request):
            if isinstance(event, ModelTextDelta):
                parts.append(event.text)
                call.on_text(event.text)
            elif isinstance(event, ModelToolCall):
                calls.append(event)
            else:
                done = event
        if done is None:
            raise ModelError(
                "the model stream ended without a final event",
                code="stream_interrupted",
                retryable=True,
            )
        usage = Usage(1, done.usage.input_tokens, done.usage.output_tokens)
        # Counted here, where the tokens were spent: a middleware may still raise on the
        # way out (a usage limit), and the run must record them anyway.
        state.usage = state.usage + usage
        state.ctx.emit(UsageEvent(usage, state.usage))
        return ModelResponse(
            text="".join(parts),
            tool_calls=tuple(calls),
            usage=usage,
            response_id=done.response_id,
            finish_reason=done.finish_reason,
            incomplete_reason=done.incomplete_reason,
        )

    return handle


async def call_model(
    state: RunState,
    chain: ModelHandler,
    writer: MessageWriter,
    tools: tuple[ToolDefinition, ...],
    tool_choice: ToolChoice,
) -> ModelResponse:
    """Make the next model call through the middleware chain.

    When a middleware changed the first call's tool choice, the run records what was sent.
    """
    state.turn += 1
    call = ModelCall(
        build_request(state, tools, tool_choice),
        writer.on_text,
        tuple(state.tool_history),
        state.agent.model,
        state.usage,
    )
    response = await chain(call)
    sent = state.last_request
    if state.turn == 1 and sent is not None and sent.tool_choice != tool_choice:
        state.run = state.run.model_copy(update={"tool_choice": wire_tool_choice(sent.tool_choice)})
    return response


def run_usage(usage: Usage) -> RunUsage:
    """``usage`` in the Assistants API's field names."""
    return RunUsage(
        prompt_tokens=usage.input_tokens,
        completion_tokens=usage.output_tokens,
        total_tokens=usage.total_tokens,
    )


async def open_tool_step(
    state: RunState,
    response: ModelResponse,
    usage: RunUsage | None = None,
    writer: MessageWriter | None = None,
) -> None:
    """Record the model's tool calls as a new ``tool_calls`` step, outputs pending.

    ``usage`` is the tokens the step's model call used that no earlier step accounts for;
    the text the call wrote (``writer``'s closed message) is saved in the same operation.
    """
    run = state.run
    toolset = state.agent.toolset
    calls = [
        pending_record(
            toolset.get(c.name),
            FunctionToolCall(
                id=c.call_id, function=FunctionCall(name=c.name, arguments=c.arguments)
            ),
        )
        for c in response.tool_calls
    ]
    step = RunStep(
        run_id=run.id,
        thread_id=run.thread_id,
        assistant_id=state.agent.id,  # the agent that has the run (a handoff changes it)
        type="tool_calls",
        step_details=ToolCallsStepDetails(tool_calls=calls),
        usage=usage,
    )
    if response.text:
        state.items.append(AssistantMessageItem(response.text, response.response_id))
    state.items.extend(
        ToolCallItem(c.call_id, c.name, c.arguments, response.response_id)
        for c in response.tool_calls
    )
    state.pending_step = step
    messages, steps = writer.records() if writer else ([], [])
    await save_checkpoint(state, steps=[*steps, step], messages=messages)
    if writer:
        writer.announce()
    state.ctx.emit(StepCreatedEvent(step))


def _calls(step: RunStep) -> list[FunctionToolCall]:
    details = step.step_details
    assert isinstance(details, ToolCallsStepDetails)
    return details.tool_calls


def pending_calls(state: RunState) -> tuple[list[ToolCall], list[FunctionToolCall]]:
    """The pending step's calls without output: (ours to run, the caller's to answer)."""
    assert state.pending_step is not None
    step = state.pending_step
    return split_calls(state.agent, _calls(step), mode=state.mode, step_id=step.id)


def apply_outcomes(state: RunState, outcomes: list[ToolOutcome]) -> None:
    """Write tool outputs (and errors, durations, hosted results) into the pending step.

    The step is saved by what comes next: `close_tool_step`, or `pause_run` when the caller
    still owes outputs.
    """
    assert state.pending_step is not None
    by_id = {o.call.call_id: o for o in outcomes}
    updated = []
    for call in _calls(state.pending_step):
        outcome = by_id.get(call.id)
        if outcome is None:
            updated.append(call)
            continue
        hosted = state.hosted_results.pop(call.id, None)
        updated.append(with_hosted_result(with_outcome(call, outcome), hosted, state.message_parts))
    state.pending_step = state.pending_step.model_copy(
        update={"step_details": ToolCallsStepDetails(tool_calls=updated)}
    )
    count_failures(state.failures, outcomes)


def with_outcome(call: FunctionToolCall, outcome: ToolOutcome) -> FunctionToolCall:
    """``call`` finished as ``outcome`` says: its output, error and duration."""
    function = call.function.model_copy(update={"output": outcome.output})
    update = {"function": function, "error": outcome.error}
    return call.model_copy(update={**update, "duration_ms": round(outcome.duration_ms, 3)})


async def pause_run(
    state: RunState, calls: list[FunctionToolCall], action: RequiredAction | None = None
) -> None:
    """Stop in ``requires_action`` until the caller submits outputs for ``calls``.

    ``action`` replaces what the caller is asked for (default: ``submit_tool_outputs``);
    the pending step is saved with the pause.
    """
    assert state.pending_step is not None
    if action is None:
        action = RequiredAction(submit_tool_outputs=SubmitToolOutputs(tool_calls=calls))
    update = {"status": "requires_action", "required_action": action}
    state.run = state.run.model_copy(update=update)
    await save_checkpoint(state, steps=[state.pending_step])
    state.ctx.emit(RunStatusEvent(state.run))


async def close_tool_step(state: RunState) -> None:
    """Complete the pending step: its outputs join the conversation."""
    assert state.pending_step is not None
    step = state.pending_step.model_copy(update={"status": "completed", "completed_at": now()})
    calls = _calls(step)
    attached = state.ctx.state
    state.items.extend(
        ToolOutputItem(c.id, c.function.output or "", take_images(attached, c.id)) for c in calls
    )
    state.tool_history.extend(calls)
    state.last_turn_calls = tuple(calls)
    state.pending_step = None
    await save_checkpoint(state, steps=[step])
    state.ctx.emit(StepCompletedEvent(step))


_STEP_ENDINGS: dict[str, Literal["cancelled", "failed", "expired"]] = {
    "cancelled": "cancelled",
    "failed": "failed",
    "expired": "expired",
    "incomplete": "cancelled",
}
_TIMESTAMPS = {
    "completed": "completed_at",
    "cancelled": "cancelled_at",
    "failed": "failed_at",
    "expired": "expired_at",
}


async def end_run(
    state: RunState,
    status: Literal["completed", "incomplete", "failed", "cancelled", "expired"],
    *,
    reason: str | None = None,
    error: LastError | None = None,
    writer: MessageWriter | None = None,
) -> None:
    """Finish the run: terminal status, usage, reason or error; close a pending step.

    The message ``writer`` closed is saved with the ending. When the store refuses the
    ending (another process cancelled, ended or took over the run), nothing is written and
    the run takes the status the store holds.
    """
    timestamp = now()
    messages, steps = writer.records() if writer else ([], [])
    pending, state.pending_step = state.pending_step, None
    ended = (
        None if pending is None else _ended_step(pending, _STEP_ENDINGS[status], timestamp, error)
    )
    fields: dict[str, Any] = {
        "required_action": None,
        "usage": run_usage(state.usage),
        "last_error": error,
        "incomplete_details": IncompleteDetails(reason=reason) if reason else None,
    }
    if status != "expired":
        fields["expires_at"] = None
    if status in _TIMESTAMPS and status != "expired":
        fields[_TIMESTAMPS[status]] = timestamp
    state.run = state.run.model_copy(update={"status": status, **fields})
    try:
        await save_checkpoint(
            state,
            expected=DRIVEN_RUN_STATUSES,
            steps=[*steps, ended] if ended else steps,
            messages=messages,
        )
    except RunLost:
        state.run = await state.store.get_run(state.run.id)
    else:
        if writer:
            writer.announce()
        if ended:
            state.ctx.emit(StepCompletedEvent(ended))
    state.ctx.emit(RunStatusEvent(state.run))


def _ended_step(
    step: RunStep,
    status: Literal["cancelled", "failed", "expired"],
    timestamp: int,
    error: LastError | None,
) -> RunStep:
    update: dict[str, Any] = {"status": status, _TIMESTAMPS[status]: timestamp}
    if status == "failed":
        update["last_error"] = error
    return step.model_copy(update=update)
