"""Catching up on a remote run: the steps and messages the stream did not show.

Polling sees a run's steps only by listing them; a broken stream may have missed some. Each
step not reported yet is reported now, with the message a ``message_creation`` step wrote;
a service whose steps show no message (or that has no steps route) has its run's messages
listed instead.
"""

from __future__ import annotations

import openai

from agentkit.records import MessageCreationStepDetails, Run, RunStep
from agentkit.remote.calls import AssistantsCalls
from agentkit.remote.events import RunMirror, as_created
from agentkit.remote.objects import message_from, step_from

__all__ = ["catch_up"]


async def catch_up(calls: AssistantsCalls, mirror: RunMirror, thread_id: str, run: Run) -> None:
    """Report the steps (and messages) of ``run`` that ``mirror`` has not shown yet."""
    try:
        steps = [step_from(s) for s in await calls.list_steps(thread_id, run.id)]
    except openai.NotFoundError:
        steps = []  # a service without the steps route
    await _report_steps(calls, mirror, thread_id, steps)
    wrote = any(isinstance(s.step_details, MessageCreationStepDetails) for s in steps)
    if run.is_terminal and not wrote and not mirror.has_messages:
        await _report_run_messages(calls, mirror, thread_id, run)


async def _report_run_messages(
    calls: AssistantsCalls, mirror: RunMirror, thread_id: str, run: Run
) -> None:
    """The run's messages, for a service whose steps do not show them (or that has none)."""
    try:
        messages = await calls.list_run_messages(thread_id, run.id)
    except openai.NotFoundError:
        return  # neither steps nor a message list: the run's status is all there is
    for sdk_message in messages:
        message = message_from(sdk_message)
        if message.role == "assistant":
            mirror.replay_message(message)


async def _report_steps(
    calls: AssistantsCalls, mirror: RunMirror, thread_id: str, steps: list[RunStep]
) -> None:
    known = mirror.known_steps()
    for step in steps:
        if step.id in known:
            continue
        details = step.step_details
        if isinstance(details, MessageCreationStepDetails) and step.status == "completed":
            mirror.on_step(as_created(step))
            message_id = details.message_creation.message_id
            sdk_message = await calls.retrieve_message(thread_id, message_id)
            mirror.replay_message(message_from(sdk_message))
        mirror.on_step(step)
