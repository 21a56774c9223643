"""What the model sees of a thread: its messages, cut by the run's truncation strategy."""

from __future__ import annotations

from collections.abc import Sequence

from agentkit.models.request import AssistantMessageItem, InputImage, ModelItem, UserMessageItem
from agentkit.records import (
    ImageFileContent,
    ImageURLContent,
    Message,
    TextContent,
    TruncationStrategy,
)

__all__ = ["estimate_tokens", "history_items"]


def estimate_tokens(text: str) -> int:
    """A rough token count (four characters a token), for budgeting only."""
    return len(text) // 4 + 1


def history_items(
    messages: Sequence[Message],
    truncation: TruncationStrategy,
    *,
    max_prompt_tokens: int | None = None,
) -> list[ModelItem]:
    """The thread's messages as model items, oldest first, after truncation.

    Earlier runs contribute their messages only: their tool calls are summarized by the
    assistant's answer, which keeps each run's context small (the run's own tool calls are
    always sent in full). ``last_messages`` keeps the last N messages; ``auto`` keeps
    everything that fits ``max_prompt_tokens`` (estimated), dropping the oldest first but
    never the newest message.
    """
    kept = list(messages)
    if truncation.type == "last_messages" and truncation.last_messages is not None:
        kept = kept[-truncation.last_messages :]
    elif max_prompt_tokens is not None:
        kept = _fit(kept, max_prompt_tokens)
    return [_item(message) for message in kept]


def _fit(messages: list[Message], budget: int) -> list[Message]:
    total = sum(estimate_tokens(m.text) for m in messages)
    start = 0
    while total > budget and start < len(messages) - 1:
        total -= estimate_tokens(messages[start].text)
        start += 1
    return messages[start:]


def _item(message: Message) -> ModelItem:
    if message.role == "user":
        return _user_item(message)
    return AssistantMessageItem(message.text)


def _user_item(message: Message) -> UserMessageItem:
    if all(isinstance(part, TextContent) for part in message.content):
        return UserMessageItem(message.text)
    parts: list[str | InputImage] = []
    for part in message.content:
        match part:
            case TextContent(text=text):
                parts.append(text.value)
            case ImageURLContent(image_url=image):
                parts.append(InputImage(url=image.url, detail=image.detail))
            case ImageFileContent(image_file=image):
                parts.append(InputImage(file_id=image.file_id, detail=image.detail or "auto"))
    return UserMessageItem(message.text, tuple(parts))
