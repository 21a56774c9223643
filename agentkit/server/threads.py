"""``/v1/threads``: create (with initial messages), retrieve, modify, delete."""

from __future__ import annotations

import contextlib
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from agentkit.exceptions import InvalidRunStateError, NotFoundError
from agentkit.records import (
    ImageFile,
    ImageFileContent,
    ImageURL,
    ImageURLContent,
    Message,
    MessageContent,
    Text,
    TextContent,
    Thread,
)
from agentkit.server.body import parse_body
from agentkit.server.context import RequestContext, context_of
from agentkit.server.errors import not_found
from agentkit.server.file_search_resources import (
    check_attachments,
    index_attachments,
    tool_resources_of,
)
from agentkit.server.image_files import check_image_files, numbered
from agentkit.server.schemas import (
    CreateMessageRequest,
    CreateThreadRequest,
    ImageFilePart,
    ImageURLPart,
    ModifyThreadRequest,
    TextPart,
)
from agentkit.server.setting_schemas import tool_resources_wire
from agentkit.server.wire import deleted
from agentkit.stores.assistants import AssistantsStore

__all__ = ["create_thread_from", "get_thread", "message_content", "new_message", "routes"]


async def get_thread(store: AssistantsStore, thread_id: str) -> Thread:
    """The thread, or a 404."""
    try:
        return await store.get_thread(thread_id)
    except NotFoundError:
        raise not_found("thread", thread_id) from None


def new_message(thread_id: str, body: CreateMessageRequest) -> Message:
    """A message for the store from a create-message body."""
    return Message(
        thread_id=thread_id,
        role=body.role,
        content=message_content(body),
        attachments=[attachment.model_dump() for attachment in body.attachments or []],
        metadata=body.metadata or {},
    )


def message_content(body: CreateMessageRequest) -> list[MessageContent]:
    """The stored content parts of a create-message body (a string is one text part)."""
    if isinstance(body.content, str):
        return [TextContent(text=Text(value=body.content))]
    parts: list[MessageContent] = []
    for part in body.content:
        match part:
            case TextPart(text=text):
                parts.append(TextContent(text=Text(value=text)))
            case ImageURLPart(image_url=image):
                parts.append(ImageURLContent(image_url=ImageURL(**image.model_dump())))
            case ImageFilePart(image_file=image):
                parts.append(ImageFileContent(image_file=ImageFile(**image.model_dump())))
    return parts


async def create_thread_from(
    ctx: RequestContext,
    body: CreateThreadRequest | None,
    *,
    tool_resources: dict[str, Any] | None = None,
    where: str = "messages",
) -> Thread:
    """Store a new thread and its initial messages (``tool_resources`` replace the body's).

    Attachments and ``image_file`` parts are checked first (a 400 naming the field). Vector
    stores its resources ask for are created; ``file_search`` attachments go into the
    thread's vector store.
    """
    body = body or CreateThreadRequest()
    messages = body.messages or []
    await check_attachments(ctx, messages, where)
    await check_image_files(ctx.files, numbered(where, messages))
    if tool_resources is None:
        tool_resources = await tool_resources_of(ctx, body.tool_resources)
    thread = await ctx.store.create_thread(
        Thread(metadata=body.metadata or {}, tool_resources=tool_resources)
    )
    for message in messages:
        await ctx.store.add_message(new_message(thread.id, message))
    await index_attachments(ctx, thread.id, messages)
    return await ctx.store.get_thread(thread.id)


async def create_thread(request: Request) -> JSONResponse:
    body = await parse_body(request, CreateThreadRequest)
    thread = await create_thread_from(context_of(request), body)
    return JSONResponse(thread.wire())


async def retrieve_thread(request: Request) -> JSONResponse:
    thread = await get_thread(context_of(request).store, request.path_params["thread_id"])
    return JSONResponse(thread.wire())


async def modify_thread(request: Request) -> JSONResponse:
    body = await parse_body(request, ModifyThreadRequest)
    store = context_of(request).store
    thread = await get_thread(store, request.path_params["thread_id"])
    changes: dict[str, Any] = {}
    if "metadata" in body.model_fields_set:
        changes["metadata"] = body.metadata or {}
    if "tool_resources" in body.model_fields_set:
        changes["tool_resources"] = tool_resources_wire(body.tool_resources)
    thread = thread.model_copy(update=changes)
    await store.update_thread(thread)
    return JSONResponse(thread.wire())


async def delete_thread(request: Request) -> JSONResponse:
    ctx = context_of(request)
    thread_id = request.path_params["thread_id"]
    await get_thread(ctx.store, thread_id)
    await _cancel_active_runs(ctx, thread_id)
    await ctx.store.delete_thread(thread_id)
    await ctx.hosted.end_thread(ctx.project, thread_id)
    return JSONResponse(deleted(thread_id, "thread.deleted"))


async def _cancel_active_runs(ctx: RequestContext, thread_id: str) -> None:
    # A thread's runs go with it; stop the one still going so no task writes into a deleted thread.
    for run in await ctx.store.active_runs():
        if run.thread_id == thread_id:
            with contextlib.suppress(InvalidRunStateError, NotFoundError):
                await ctx.runner.cancel(run.id)


routes = [
    Route("/v1/threads", create_thread, methods=["POST"]),
    Route("/v1/threads/{thread_id}", retrieve_thread, methods=["GET"]),
    Route("/v1/threads/{thread_id}", modify_thread, methods=["POST"]),
    Route("/v1/threads/{thread_id}", delete_thread, methods=["DELETE"]),
]
