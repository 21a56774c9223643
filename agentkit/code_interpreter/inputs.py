"""Which files a thread's code interpreter gets in ``/mnt/data``, as the Assistants API says.

The assistant's ``tool_resources.code_interpreter.file_ids``, the thread's, and every file
attached to one of the thread's messages for the ``code_interpreter`` tool, in that order,
each once.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from agentkit.exceptions import NotFoundError
from agentkit.records import Message
from agentkit.stores.base import Store

__all__ = ["attached_file_ids", "thread_file_ids"]


def attached_file_ids(messages: Sequence[Message]) -> list[str]:
    """Files attached to messages for the code interpreter, in message order."""
    found = []
    for message in messages:
        for attachment in message.attachments:
            tools = attachment.get("tools") or []
            wants = any(isinstance(t, dict) and t.get("type") == "code_interpreter" for t in tools)
            file_id = attachment.get("file_id")
            if wants and isinstance(file_id, str):
                found.append(file_id)
    return found


def _resource_ids(resources: dict[str, Any] | None) -> list[str]:
    section = (resources or {}).get("code_interpreter") or {}
    return [i for i in section.get("file_ids") or [] if isinstance(i, str)]


async def thread_file_ids(store: Store | None, thread_id: str, own: Sequence[str]) -> list[str]:
    """``own`` (the assistant's), then the thread's resources and attachments, without repeats."""
    ids = list(own)
    if store is not None and thread_id:
        try:
            thread = await store.get_thread(thread_id)
            messages = await store.list_messages(thread_id)
        except NotFoundError:
            messages = []
        else:
            ids += _resource_ids(thread.tool_resources)
        ids += attached_file_ids(messages)
    return list(dict.fromkeys(ids))
