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
from agentkit.tools.hosted import TextMarker

__all__ = ["MessageWriter"]


class MessageWriter:
    """Streams one assistant message: step and message events, then deltas, then its records."""

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
        self._closed = False

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

    def close(
        self,
        text: str,
        *,
        status: Literal["completed", "incomplete"] = "completed",
        reason: str | None = None,
        usage: RunUsage | None = None,
    ) -> Message | None:
        """Complete the message (``text`` is authoritative over the deltas); None if no text.

        Nothing is stored or emitted yet: the caller saves `records` with the run, in one
        store operation, then calls `announce`. ``usage`` is the model call's, recorded on
        the message's step. Without text, no message is written and the hosted calls'
        content waits for the run's next message.
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
        self.message = self.message.model_copy(
            update={"content": content, "status": status, **finished}
        )
        self.step = self.step.model_copy(
            update={"status": "completed", "completed_at": timestamp, "usage": usage}
        )
        self._closed = True
        return self.message

    def records(self) -> tuple[list[Message], list[RunStep]]:
        """The closed message and its step, to save (nothing before `close`)."""
        if not self._closed or self.message is None or self.step is None:
            return [], []
        return [self.message], [self.step]

    def announce(self) -> None:
        """Emit the closed message's completion, once it is saved."""
        if self._closed and self.message is not None and self.step is not None:
            self._emit(MessageCompletedEvent(self.message))
            self._emit(StepCompletedEvent(self.step))
