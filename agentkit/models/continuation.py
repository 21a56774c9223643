"""Checking that a Responses server really continued from ``previous_response_id``.

A server that stores responses echoes the ``previous_response_id`` it continued from in the
response object. Some servers accept the field and ignore it (Ollama: "not supported", always
``null``): the model then answers without the earlier turns, tool calls included, and the
answer looks fine but is wrong. `ResponsesModel` checks the echo before it passes on anything
of the response; when it is missing it asks again with the whole conversation, warns once
(`ContinuationWarning`), and replays from then on.

A hosted ``conversation`` is checked the same way (the response names its conversation);
there is no falling back there, since only the server has the conversation: the call fails.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator, AsyncIterator, Callable, Mapping
from typing import Any, TypeAlias

from agentkit.exceptions import ModelError

__all__ = [
    "ContinuationWarning",
    "PreviousResponseIgnored",
    "check_conversation",
    "check_echo",
    "echo_checked",
]


class ContinuationWarning(UserWarning):
    """The server ignored ``previous_response_id``; the adapter replays the conversation."""


class PreviousResponseIgnored(Exception):
    """The response does not echo the ``previous_response_id`` it was asked to continue."""

    def __init__(self, sent: str, echoed: str | None) -> None:
        super().__init__(f"sent previous_response_id {sent!r}, the response echoes {echoed!r}")
        self.sent = sent
        self.echoed = echoed


Response: TypeAlias = Mapping[str, Any]
"""A response object's JSON, as the server sent it."""


def check_echo(response: Response, sent: str) -> None:
    """Raise `PreviousResponseIgnored` unless ``response`` continued from ``sent``."""
    echoed = response.get("previous_response_id")
    if echoed != sent:
        raise PreviousResponseIgnored(sent, echoed)


def check_conversation(response: Response, sent: str) -> None:
    """Raise `ModelError` unless ``response`` belongs to conversation ``sent``."""
    conversation = response.get("conversation")
    echoed = conversation.get("id") if isinstance(conversation, Mapping) else None
    if echoed != sent:
        raise ModelError(
            f"sent conversation {sent!r}, and the response belongs to {echoed!r}: this "
            "server does not keep conversations (the Conversations API), so its answer would "
            "miss the conversation's history; continue it on a server that keeps it",
            code="conversation_ignored",
        )


async def echo_checked(
    events: AsyncIterator[Response],
    sent: str,
    check: Callable[[Response, str], None] = check_echo,
) -> AsyncGenerator[Response, None]:
    """The stream's events, held back until the first one carrying the response is checked.

    Events and responses are JSON objects, as the server sent them.

    Raises:
        PreviousResponseIgnored: (with the default ``check``) the response does not echo
            ``sent``; nothing of it has been passed on.
    """
    held: list[Response] = []
    checked = False
    async for event in events:
        if not checked:
            response = event.get("response") if isinstance(event, Mapping) else None
            if not isinstance(response, Mapping):
                held.append(event)
                continue
            check(response, sent)
            checked = True
            for earlier in held:
                yield earlier
        yield event
