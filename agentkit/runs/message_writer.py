"""The assistant message a model call writes: created at the first delta, stored at the end.

Content that hosted calls produced earlier in the run (the code interpreter's images) goes
first in the message, and the text gets their annotations (`runs.hosted.MessageParts`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Literal

from agentkit.events import (
    MessageCompletedEvent,
    MessageCreatedEvent,
    StepCompletedEvent,
    StepCreatedEvent,
    TextDeltaEvent,
)
from agentkit.records import (
    ImageFileContent,
    IncompleteDetails,
    Message,
    MessageCreation,
    MessageCreationStepDetails,
    Run,
    RunStep,
    RunUsage,
    TextContent,
    now,
)
from agentkit.runs.hosted import MessageParts, annotate
from agentkit.stores.base import Store
from agentkit.tools.hosted import TextMarker

__all__ = ["MessageWriter"]


class MessageWriter:
    """Streams one assistant message: step and message events, then deltas, then storage."""

    def __init__(
        self, run: Run, emit: Callable[[Any], None], parts: MessageParts | None = None
    ) -> None:
        self._run = run
        self._emit = emit
        self._pending = parts if parts is not None else MessageParts()
        self._content: list[ImageFileContent] = []
        self._markers: list[TextMarker] = []
        self._parts: list[str] = []
        self.message: Message | None = None
        self.step: RunStep | None = None

    def on_text(self, text: str) -> None:
        """Receive a text delta (the model call's ``on_text``)."""
        if not text:
            return
        if self.message is None:
            self._open()
        assert self.message is not None
        self._parts.append(text)
        self._emit(TextDeltaEvent(self.message.id, text))

    def _open(self) -> None:
        run = self._run
        self._content, self._markers = self._pending.take()
        self.message = Message(
            thread_id=run.thread_id,
            role="assistant",
            content=list(self._content),
            assistant_id=run.assistant_id,
            run_id=run.id,
            status="in_progress",
        )
        self.step = RunStep(
            run_id=run.id,
            thread_id=run.thread_id,
            assistant_id=run.assistant_id,
            type="message_creation",
            step_details=MessageCreationStepDetails(
                message_creation=MessageCreation(message_id=self.message.id)
            ),
        )
        self._emit(StepCreatedEvent(self.step))
        self._emit(MessageCreatedEvent(self.message))

    async def finish(
        self,
        store: Store,
        text: str,
        *,
        status: Literal["completed", "incomplete"] = "completed",
        reason: str | None = None,
        usage: RunUsage | None = None,
    ) -> Message | None:
        """Store the message (``text`` is authoritative over the deltas); None if it is empty.

        ``usage`` is the model call's, recorded on the message's step. Without text, no
        message is written and the hosted calls' content waits for the run's next message.
        """
        text = text or "".join(self._parts)
        if not text and self.message is None:
            return None
        if self.message is None:
            self._open()
        assert self.message is not None and self.step is not None
        timestamp = now()
        # Emitted objects are snapshots: build new ones rather than mutating them.
        finished = (
            {"completed_at": timestamp}
            if status == "completed"
            else {
                "incomplete_at": timestamp,
                "incomplete_details": IncompleteDetails(reason=reason or "unknown"),
            }
        )
        content = [*self._content, TextContent(text=annotate(text, self._markers))]
        message = self.message.model_copy(update={"content": content, "status": status, **finished})
        step = self.step.model_copy(
            update={"status": "completed", "completed_at": timestamp, "usage": usage}
        )
        await store.add_message(message, require_idle=False)
        await store.save_step(step)
        self.message, self.step = message, step
        self._emit(MessageCompletedEvent(message))
        self._emit(StepCompletedEvent(step))
        return message
