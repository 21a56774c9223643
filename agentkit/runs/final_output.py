"""The run's last step: store the answer and, for a typed agent, validate it.

A text agent's answer completes the run. A typed agent's (``output_type``) is validated
first: a valid answer completes the run with a `FinalOutputEvent`; an invalid one is sent
back to the model with what is wrong, and the model answers again, up to
``limits.max_model_retries`` times in the run; one more invalid answer fails the run
(``last_error.code == "invalid_output"``). Every answer stays in the thread as the model
wrote it.
"""

from __future__ import annotations

from agentkit.events import FinalOutputEvent
from agentkit.models.request import AssistantMessageItem, UserMessageItem
from agentkit.records import LastError, RunUsage
from agentkit.runs.message_writer import MessageWriter
from agentkit.runs.state import RunState
from agentkit.runs.steps import end_run, save_checkpoint
from agentkit.tools.output_type import InvalidOutput

__all__ = ["INVALID_OUTPUTS", "finish_with_answer"]

INVALID_OUTPUTS = ":output"
"""The key counting invalid answers in ``RunState.failures`` (never a tool name)."""


async def finish_with_answer(
    state: RunState,
    writer: MessageWriter,
    text: str,
    usage: RunUsage | None = None,
    *,
    response_id: str | None = None,
    retry: bool = True,
) -> bool:
    """Store ``text`` as the answer and end the run, or ask again; True when the run ended.

    ``retry`` is False for an answer the model did not write (a tool-choice policy's final
    output): asking the model again would not change it. The answer is saved with the run's
    ending (or, when the model is asked again, with a checkpoint).
    """
    message = writer.close(text, usage=usage)
    output_type = state.agent.output
    if output_type is not None:
        try:
            value = output_type.validate(text)
        except InvalidOutput as invalid:
            return await _reject(state, writer, text, invalid, response_id=response_id, retry=retry)
        state.ctx.emit(FinalOutputEvent(value, message.id if message is not None else None))
    await end_run(state, "completed", writer=writer)
    if state.run.status == "completed":
        state.final_message = message
    return True


async def _reject(
    state: RunState,
    writer: MessageWriter,
    text: str,
    invalid: InvalidOutput,
    *,
    response_id: str | None,
    retry: bool,
) -> bool:
    count = state.failures.get(INVALID_OUTPUTS, 0) + 1
    state.failures[INVALID_OUTPUTS] = count
    output_type = state.agent.output
    assert output_type is not None
    if not retry or count > state.agent.limits.max_model_retries:
        message = (
            f"the answer did not match the output type {output_type.name!r} "
            f"({count} invalid answer{'s' if count > 1 else ''}); last problem: {invalid.feedback}"
        )
        error = LastError(code="invalid_output", message=message)
        await end_run(state, "failed", error=error, writer=writer)
        return True
    state.items.append(AssistantMessageItem(text, response_id))
    state.items.append(UserMessageItem(invalid.feedback))
    messages, steps = writer.records()
    await save_checkpoint(state, steps=steps, messages=messages)
    writer.announce()
    return False
