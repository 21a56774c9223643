"""``/v1/assistants``: create, list, retrieve, modify, delete.

Assistants are JSON records in the store, in the API's shape. A ``code_interpreter`` tool
runs code (its ``tool_resources`` files go to every thread's ``/mnt/data``); ``file_search``
searches the vector stores of ``tool_resources.file_search`` (created there when
``vector_stores`` asks for one).
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from agentkit.exceptions import NotFoundError
from agentkit.records import new_id, now
from agentkit.server.body import list_params, parse_body
from agentkit.server.context import context_of
from agentkit.server.errors import not_found
from agentkit.server.file_search_resources import tool_resources_of
from agentkit.server.schemas import CreateAssistantRequest, ModifyAssistantRequest
from agentkit.server.setting_schemas import response_format_wire, tool_resources_wire
from agentkit.server.wire import deleted, list_page
from agentkit.stores.assistants import AssistantsStore

__all__ = ["assistant_wire", "get_assistant", "routes"]

# Stored with the record, not part of the API's assistant object.
_PRIVATE_FIELDS = ("reasoning_effort",)
# Shown when not set, as the API showed them; only values a client set are sent upstream.
_SHOWN_DEFAULTS = {"temperature": 1.0, "top_p": 1.0, "response_format": "auto"}


def assistant_wire(record: dict[str, Any]) -> dict[str, Any]:
    """An assistant record as the API sends it."""
    data = {k: v for k, v in record.items() if k not in _PRIVATE_FIELDS}
    for name, default in _SHOWN_DEFAULTS.items():
        if data.get(name) is None:
            data[name] = default
    return data


async def get_assistant(store: AssistantsStore, assistant_id: str) -> dict[str, Any]:
    """The assistant record, or a 404."""
    try:
        return await store.get_assistant(assistant_id)
    except NotFoundError:
        raise not_found("assistant", assistant_id) from None


def _tool_resources(tools: list[dict[str, Any]], given: dict[str, Any] | None) -> dict[str, Any]:
    resources = dict(given or {})
    kinds = {tool["type"] for tool in tools}
    if "code_interpreter" in kinds:
        resources.setdefault("code_interpreter", {"file_ids": []})
    if "file_search" in kinds:
        resources.setdefault("file_search", {"vector_store_ids": []})
    return resources


async def create_assistant(request: Request) -> JSONResponse:
    body = await parse_body(request, CreateAssistantRequest)
    ctx = context_of(request)
    tools = [tool.model_dump(exclude_none=True) for tool in body.tools or []]
    record = {
        "id": new_id("asst"),
        "object": "assistant",
        "created_at": now(),
        "name": body.name,
        "description": body.description,
        "model": body.model,
        "instructions": body.instructions,
        "tools": tools,
        "tool_resources": _tool_resources(tools, await tool_resources_of(ctx, body.tool_resources)),
        "metadata": body.metadata or {},
        # None: not set, so not sent upstream (shown as the API's default).
        "temperature": body.temperature,
        "top_p": body.top_p,
        "response_format": response_format_wire(body.response_format),
        "reasoning_effort": body.reasoning_effort,
    }
    await ctx.store.save_assistant(record)
    return JSONResponse(assistant_wire(record))


async def list_assistants(request: Request) -> JSONResponse:
    params = list_params(request)
    records = await context_of(request).store.list_assistants(
        order=params.order, after=params.after, before=params.before, limit=params.limit + 1
    )
    return JSONResponse(list_page([assistant_wire(r) for r in records], params.limit))


async def retrieve_assistant(request: Request) -> JSONResponse:
    store = context_of(request).store
    return JSONResponse(assistant_wire(await get_assistant(store, request.path_params["id"])))


async def modify_assistant(request: Request) -> JSONResponse:
    body = await parse_body(request, ModifyAssistantRequest)
    store = context_of(request).store
    record = await get_assistant(store, request.path_params["id"])
    changes = {name: getattr(body, name) for name in body.model_fields_set}
    if "tools" in changes:
        changes["tools"] = [tool.model_dump(exclude_none=True) for tool in body.tools or []]
    if "tool_resources" in changes:
        changes["tool_resources"] = tool_resources_wire(body.tool_resources)
    if "response_format" in changes:
        changes["response_format"] = response_format_wire(body.response_format)
    if "metadata" in changes and changes["metadata"] is None:
        changes["metadata"] = {}
    record = {**record, **changes}
    record["tool_resources"] = _tool_resources(record["tools"], record.get("tool_resources"))
    await store.save_assistant(record)
    return JSONResponse(assistant_wire(record))


async def delete_assistant(request: Request) -> JSONResponse:
    store = context_of(request).store
    assistant_id = request.path_params["id"]
    await get_assistant(store, assistant_id)
    await store.delete_assistant(assistant_id)
    return JSONResponse(deleted(assistant_id, "assistant.deleted"))


routes = [
    Route("/v1/assistants", create_assistant, methods=["POST"]),
    Route("/v1/assistants", list_assistants, methods=["GET"]),
    Route("/v1/assistants/{id}", retrieve_assistant, methods=["GET"]),
    Route("/v1/assistants/{id}", modify_assistant, methods=["POST"]),
    Route("/v1/assistants/{id}", delete_assistant, methods=["DELETE"]),
]
