"""The one run loop: advance a run step by step until it ends or waits for the caller.

`drive` is the only loop; streaming and non-streaming runs, fresh and resumed runs all go
through it. How a run ends is decided here, in one place:

====================================  =======================================================
what happened                         how the run ends
====================================  =======================================================
the model answered with text          ``completed``
a tool the caller answers was called  ``requires_action`` (resumed by `submit_tool_outputs`)
``max_turns`` model calls were made   ``incomplete``, reason ``max_turns``
the API cut the answer short          ``incomplete``, reason from the API
a usage limit middleware stopped it   ``incomplete``, reason from the middleware
the run's deadline passed             ``expired``
the model API failed                  ``failed``, ``last_error`` from the `ModelError`
a tool kept failing                   ``failed``, ``last_error.code == "tool_error"``
the caller cancelled                  ``cancelled`` (in-flight tools are cancelled too)
another process cancelled it          ``cancelled``, noticed within one lease heartbeat, or
                                      at the next write or tool start (`RunLost`)
another process took it over          the driver stops; the run is the new owner's
====================================  =======================================================

The driver holds a lease on the run (`agentkit.runs.lease`): every write is a checkpoint
fenced by it, every tool call is marked started (fenced too) before it runs, and every
outcome is recorded as soon as the call finishes, so `agentkit.runs.recovery` can continue
the run from its records in another process.
"""

from __future__ import annotations

import asyncio
import logging
import time
from dataclasses import dataclass
from functools import partial

from agentkit.calls import ModelHandler, RunCall, ToolHandler
from agentkit.exceptions import (
    ModelError,
    UsageLimitExceeded,
)
from agentkit.middleware.base import Middleware, build_chain
from agentkit.models.request import ToolChoice
from agentkit.records import LastError, Run, RunUsage, now
from agentkit.runs.call_records import record_outcome, start_call
from agentkit.runs.dispatcher import ToolOutcome, dispatch_tools
from agentkit.runs.lease import RunLost, watch_lease
from agentkit.runs.message_writer import MessageWriter
from agentkit.runs.state import RunState
from agentkit.runs.steps import (
    apply_outcomes,
    call_model,
    close_tool_step,
    end_run,
    model_stream_handler,
    open_tool_step,
    pause_run,
    pending_calls,
    run_usage,
    set_status,
    turn_info,
)
from agentkit.runs.tool_calls import ToolRetriesExhausted, check_retry_budget, invoke_tool
from agentkit.stores.base import DRIVEN_RUN_STATUSES
from agentkit.tools.definition import ToolDefinition

__all__ = ["drive"]

# Internal failures go to stdlib logging: silent unless the application configures it.
_log = logging.getLogger("agentkit.run")


@dataclass(frozen=True, slots=True)
class _Chains:
    model: ModelHandler
    tool: ToolHandler


async def drive(state: RunState, stack: tuple[Middleware, ...], *, resumed: bool) -> Run:
    """Advance the run until it ends or pauses; return the run as it then is.

    ``stack`` is the run's whole middleware stack (`agentkit.middleware.middleware_stack`).
    """
    ctx = state.ctx
    invoke = partial(invoke_tool, state.agent, state.failures, ctx, hosted=state.hosted_results)
    chains = _Chains(
        model=build_chain(stack, "wrap_model_call", ctx, model_stream_handler(state)),
        tool=build_chain(stack, "wrap_tool_call", ctx, partial(start_call, state, invoke)),
    )

    async def inner(call: RunCall) -> Run:
        await _drive_to_end(state, chains)
        return state.run

    run_chain = build_chain(stack, "wrap_run", ctx, inner)
    return await run_chain(RunCall(state.run, resumed))


async def _drive_to_end(state: RunState, chains: _Chains) -> None:
    """Drive the run under its lease's heartbeat; a lost lease ends the drive quietly."""
    driving = lambda: state.run.status in DRIVEN_RUN_STATUSES  # noqa: E731
    async with watch_lease(state.store, state.run.id, state.terms, driving) as watch:
        try:
            await _drive_and_end(state, chains)
        except asyncio.CancelledError:
            if not watch.lost:
                raise
            # The heartbeat stopped us: the run was cancelled or taken over elsewhere.
            task = asyncio.current_task()
            assert task is not None
            task.uncancel()
            if not state.run.is_terminal:
                await end_run(state, "cancelled")


async def _drive_and_end(state: RunState, chains: _Chains) -> None:
    try:
        await _advance_until_deadline(state, chains)
    except RunLost:
        await end_run(state, "cancelled")
    except UsageLimitExceeded as exc:
        await end_run(state, "incomplete", reason=exc.reason)
    except ModelError as exc:
        await end_run(state, "failed", error=LastError(code=exc.code, message=str(exc)))
    except ToolRetriesExhausted as exc:
        await end_run(state, "failed", error=LastError(code="tool_error", message=str(exc)))
    except asyncio.CancelledError:
        if not state.released:
            await end_run(state, "cancelled")
        raise
    except Exception as exc:
        _log.exception("run %s failed unexpectedly", state.run.id)
        error = LastError(code="server_error", message=f"{type(exc).__name__}: {exc}")
        await end_run(state, "failed", error=error)


async def _advance_until_deadline(state: RunState, chains: _Chains) -> None:
    expires_at = state.run.expires_at
    if expires_at is None:
        await _advance(state, chains)
        return
    if expires_at <= time.time():  # a resumed or recovered run may be overdue already
        await end_run(state, "expired")
        return
    deadline = asyncio.timeout(expires_at - time.time())
    try:
        async with deadline:
            await _advance(state, chains)
    except TimeoutError:
        if not deadline.expired():
            raise
        await end_run(state, "expired")


async def _advance(state: RunState, chains: _Chains) -> None:
    if state.run.status == "queued":
        await set_status(state, "in_progress", started_at=now())
    elif state.run.status == "cancelling":  # recovered after a cancel was asked
        await end_run(state, "cancelled")
        return
    while not await _step(state, chains):
        pass


async def _step(state: RunState, chains: _Chains) -> bool:
    """Answer the pending tool calls, or take the next turn; True when the run ended or paused."""
    if state.pending_step is not None:
        return await _handle_tools(state, chains)
    return await _next_turn(state, chains)


async def _next_turn(state: RunState, chains: _Chains) -> bool:
    """Resolve the tool choice, then end the run or call the model; True when the run ended."""
    tools = tuple(state.agent.toolset.definitions())
    info = turn_info(state, tools)
    policy = state.agent.tool_choice
    final = policy.final_output(info)
    if final is not None:
        await _complete(state, MessageWriter(state.run, state.ctx.emit, state.message_parts), final)
        return True
    if state.turn >= state.agent.limits.max_turns:
        await end_run(state, "incomplete", reason="max_turns")
        return True
    return await _model_turn(state, chains, tools, policy.resolve(info))


async def _model_turn(
    state: RunState, chains: _Chains, tools: tuple[ToolDefinition, ...], tool_choice: ToolChoice
) -> bool:
    """One model call; True when the run ended."""
    writer = MessageWriter(state.run, state.ctx.emit, state.message_parts)
    response = await call_model(state, chains.model, writer, tools, tool_choice)
    # The call's usage goes on the first step it made: its message, else its tool calls.
    usage = run_usage(response.usage)
    if response.incomplete_reason:
        reason = response.incomplete_reason
        writer.close(response.text, status="incomplete", reason=reason, usage=usage)
        await end_run(state, "incomplete", reason=reason, writer=writer)
        return True
    if response.tool_calls:
        wrote = writer.close(response.text, usage=usage)
        await open_tool_step(state, response, RunUsage() if wrote else usage, writer)
        return False
    await _complete(state, writer, response.text, usage)
    return True


async def _complete(
    state: RunState, writer: MessageWriter, text: str, usage: RunUsage | None = None
) -> None:
    message = writer.close(text, usage=usage)
    await end_run(state, "completed", writer=writer)
    if state.run.status == "completed":
        state.final_message = message


async def _handle_tools(state: RunState, chains: _Chains) -> bool:
    """Run the pending calls that are ours; True when the run paused for the caller."""
    ours, callers = pending_calls(state)
    if ours:
        limits = state.agent.limits
        outcomes = await dispatch_tools(
            ours,
            chains.tool,
            max_concurrency=limits.max_concurrent_tools,
            max_output_chars=limits.max_tool_output_chars,
            emit=state.ctx.emit,
            on_outcome=partial(_record, state),
        )
        apply_outcomes(state, outcomes)
        check_retry_budget(state.agent, state.failures, outcomes)
    if callers:
        await pause_run(state, callers)
        return True
    await close_tool_step(state)
    return False


async def _record(state: RunState, outcome: ToolOutcome) -> None:
    assert state.pending_step is not None
    await record_outcome(state.store, state.pending_step, outcome)
