"""``/v1/threads/{thread_id}/messages``: create, list, retrieve, modify, delete."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from agentkit.exceptions import ActiveRunError, NotFoundError
from agentkit.records import Message
from agentkit.server.body import list_params, parse_body
from agentkit.server.context import context_of
from agentkit.server.errors import APIError, not_found
from agentkit.server.image_files import check_image_files
from agentkit.server.schemas import CreateMessageRequest, ModifyMessageRequest
from agentkit.server.threads import get_thread, new_message
from agentkit.server.wire import deleted, list_page, message_wire
from agentkit.stores.assistants import AssistantsStore

__all__ = ["add_message", "routes"]


async def add_message(
    store: AssistantsStore, thread_id: str, body: CreateMessageRequest
) -> Message:
    """Append a message; a 400 while the thread has an active run, as OpenAI answered."""
    try:
        return await store.add_message(new_message(thread_id, body))
    except ActiveRunError:
        active = [r.id for r in await store.active_runs() if r.thread_id == thread_id]
        run_id = active[0] if active else "unknown"
        message = f"Can't add messages to {thread_id} while a run {run_id} is active."
        raise APIError(400, message) from None


async def _get_message(store: AssistantsStore, thread_id: str, message_id: str) -> Message:
    try:
        message = await store.get_message(message_id)
    except NotFoundError:
        message = None
    if message is None or message.thread_id != thread_id:
        raise not_found("message", message_id)
    return message


async def create_message(request: Request) -> JSONResponse:
    body = await parse_body(request, CreateMessageRequest)
    ctx = context_of(request)
    store = ctx.store
    thread_id = request.path_params["thread_id"]
    await get_thread(store, thread_id)
    await check_image_files(ctx.files, [("", body)])
    return JSONResponse(message_wire(await add_message(store, thread_id, body)))


async def list_messages(request: Request) -> JSONResponse:
    params = list_params(request)
    store = context_of(request).store
    thread_id = request.path_params["thread_id"]
    await get_thread(store, thread_id)
    messages = await store.list_messages(
        thread_id,
        order=params.order,
        after=params.after,
        before=params.before,
        limit=params.limit + 1,
        run_id=request.query_params.get("run_id") or None,
    )
    return JSONResponse(list_page([message_wire(m) for m in messages], params.limit))


async def retrieve_message(request: Request) -> JSONResponse:
    path = request.path_params
    message = await _get_message(context_of(request).store, path["thread_id"], path["message_id"])
    return JSONResponse(message_wire(message))


async def modify_message(request: Request) -> JSONResponse:
    body = await parse_body(request, ModifyMessageRequest)
    store = context_of(request).store
    path = request.path_params
    message = await _get_message(store, path["thread_id"], path["message_id"])
    if "metadata" in body.model_fields_set:
        message = message.model_copy(update={"metadata": body.metadata or {}})
        await store.update_message(message)
    return JSONResponse(message_wire(message))


async def delete_message(request: Request) -> JSONResponse:
    store = context_of(request).store
    path = request.path_params
    message = await _get_message(store, path["thread_id"], path["message_id"])
    await store.delete_message(message.id)
    return JSONResponse(deleted(message.id, "thread.message.deleted"))


_BASE = "/v1/threads/{thread_id}/messages"
routes = [
    Route(_BASE, create_message, methods=["POST"]),
    Route(_BASE, list_messages, methods=["GET"]),
    Route(_BASE + "/{message_id}", retrieve_message, methods=["GET"]),
    Route(_BASE + "/{message_id}", modify_message, methods=["POST"]),
    Route(_BASE + "/{message_id}", delete_message, methods=["DELETE"]),
]
