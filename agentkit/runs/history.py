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

__all__ = ["estimate_tokens", "history_items", "message_item", "select_history"]


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
    items = [message_item(message) for message in messages]
    tokens = [estimate_tokens(message.text) for message in messages]
    return select_history(items, tokens, truncation, max_prompt_tokens)


def select_history(
    items: Sequence[ModelItem],
    tokens: Sequence[int],
    truncation: TruncationStrategy,
    max_prompt_tokens: int | None,
) -> list[ModelItem]:
    """The items (one per message, with its estimated tokens) the truncation keeps."""
    if truncation.type == "last_messages" and truncation.last_messages is not None:
        return list(items[-truncation.last_messages :])
    if max_prompt_tokens is not None:
        return list(items[_fit(tokens, max_prompt_tokens) :])
    return list(items)


def _fit(tokens: Sequence[int], budget: int) -> int:
    """Where the kept items start: drop the oldest until the rest fit, never the newest."""
    total = sum(tokens)
    start = 0
    while total > budget and start < len(tokens) - 1:
        total -= tokens[start]
        start += 1
    return start


def message_item(message: Message) -> ModelItem:
    """A thread's message as the model sees it."""
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
