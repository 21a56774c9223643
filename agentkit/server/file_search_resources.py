"""Vector stores made for assistants and threads, as the API makes them.

- ``tool_resources.file_search.vector_stores`` on a new assistant or thread: the store is
  created with its ``file_ids`` (ingested in the background) and its id takes its place in
  ``vector_store_ids``.
- A message's ``attachments`` for ``file_search``: the files go into the thread's vector
  store, which is created (expiring 7 days after it was last active, as the API's did)
  when the thread has none.

Files are checked before anything is stored: an unknown file id is a 400 naming it. A
deleted vector store leaves the ``tool_resources`` of the project's assistants, as the API's
did (a thread that still names it gets a note from ``file_search`` instead).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from agentkit.exceptions import NotFoundError, UserError
from agentkit.server.context import RequestContext
from agentkit.server.errors import APIError
from agentkit.server.schemas import CreateMessageRequest
from agentkit.server.setting_schemas import ToolResources, new_vector_stores, tool_resources_wire

__all__ = ["check_attachments", "forget_vector_store", "index_attachments", "tool_resources_of"]

_THREAD_STORE_EXPIRY = {"anchor": "last_active_at", "days": 7}


async def tool_resources_of(ctx: RequestContext, value: ToolResources | None) -> dict[str, Any]:
    """``tool_resources`` as stored, with the vector stores it asks for created.

    Raises:
        APIError: 400 naming the store or file that cannot be made.
    """
    data = tool_resources_wire(value)
    for number, spec in enumerate(new_vector_stores(value)):
        param = f"tool_resources.file_search.vector_stores[{number}]"
        chunking = spec.chunking_strategy
        try:
            store = await ctx.vector_stores().create(
                file_ids=spec.file_ids or (),
                chunking_strategy=chunking.model_dump(exclude_none=True) if chunking else None,
                metadata=spec.metadata,
            )
        except NotFoundError as exc:
            raise APIError(400, str(exc), param=f"{param}.file_ids", code="invalid_value") from None
        except UserError as exc:
            raise APIError(400, str(exc), param=param, code="invalid_value") from None
        data.setdefault("file_search", {}).setdefault("vector_store_ids", []).append(store.id)
    return data


def _search_files(
    messages: Sequence[CreateMessageRequest], where: str = ""
) -> list[tuple[str, str]]:
    """``(param, file id)`` of each attachment for ``file_search``.

    ``where`` names the messages' list in the body (``thread.messages``); empty for the
    body of one message.
    """
    found = []
    for number, message in enumerate(messages):
        prefix = f"{where}[{number}]." if where else ""
        for index, attachment in enumerate(message.attachments or []):
            if any(tool.type == "file_search" for tool in attachment.tools):
                found.append((f"{prefix}attachments[{index}].file_id", attachment.file_id))
    return found


async def check_attachments(
    ctx: RequestContext, messages: Sequence[CreateMessageRequest], where: str = ""
) -> None:
    """Refuse messages whose ``file_search`` attachments name unknown files (a 400).

    ``where`` names the messages' list in the body, for the error's ``param``.
    """
    for param, file_id in _search_files(messages, where):
        try:
            await ctx.files.get(file_id)
        except NotFoundError:
            message = f"No file found with id '{file_id}' (attached for file_search)."
            raise APIError(400, message, param=param, code="invalid_value") from None


async def index_attachments(
    ctx: RequestContext, thread_id: str, messages: Sequence[CreateMessageRequest]
) -> None:
    """Add the messages' ``file_search`` attachments to the thread's vector store."""
    file_ids = list(dict.fromkeys(file_id for _, file_id in _search_files(messages)))
    if not file_ids or not ctx.file_search.available:
        return
    stores = ctx.vector_stores()
    target = await _thread_store(ctx, thread_id)
    for file_id in file_ids:
        await stores.files.add(target, file_id)


async def _thread_store(ctx: RequestContext, thread_id: str) -> str:
    """The thread's vector store, created (and recorded on the thread) if it has none."""
    stores = ctx.vector_stores()
    thread = await ctx.store.get_thread(thread_id)
    resources = dict(thread.tool_resources or {})
    section = dict(resources.get("file_search") or {})
    for vector_store_id in section.get("vector_store_ids") or []:
        try:
            await stores.get(vector_store_id)
        except NotFoundError:
            continue
        return str(vector_store_id)
    store = await stores.create(
        name=f"Vector store for {thread_id}", expires_after=_THREAD_STORE_EXPIRY
    )
    section["vector_store_ids"] = [store.id]
    resources["file_search"] = section
    await ctx.store.update_thread(thread.model_copy(update={"tool_resources": resources}))
    return store.id


async def forget_vector_store(ctx: RequestContext, vector_store_id: str) -> None:
    """Remove a deleted vector store from the project's assistants' ``tool_resources``."""
    for assistant in await ctx.store.list_assistants():
        section = (assistant.get("tool_resources") or {}).get("file_search") or {}
        ids = section.get("vector_store_ids") or []
        if vector_store_id in ids:
            section["vector_store_ids"] = [i for i in ids if i != vector_store_id]
            await ctx.store.save_assistant(assistant)
