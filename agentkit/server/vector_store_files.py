"""``/v1/vector_stores/{id}/files`` and ``/file_batches``: files in vector stores.

Adding a file answers at once with the file ``in_progress``; it is ingested in the
background (``client.vector_stores.files.create_and_poll`` polls it until it is
``completed`` or ``failed``). Removing a file stops its ingestion and deletes its chunks;
the file stays in ``/v1/files``.
"""

from __future__ import annotations

from typing import Any, get_args

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from agentkit.server.body import ListParams, list_params, parse_body
from agentkit.server.context import context_of
from agentkit.server.errors import APIError
from agentkit.server.file_search import file_search_errors
from agentkit.server.vector_store_schemas import (
    CreateFileBatchRequest,
    CreateVectorStoreFileRequest,
    UpdateVectorStoreFileRequest,
)
from agentkit.server.vector_stores import poll_after
from agentkit.server.wire import deleted, list_page
from agentkit.stores.vector_store_records import VectorStoreFileStatus

__all__ = ["routes"]

_STATUSES: tuple[VectorStoreFileStatus, ...] = get_args(VectorStoreFileStatus)


def _status_filter(request: Request) -> VectorStoreFileStatus | None:
    value = request.query_params.get("filter")
    if value is None or value == "":
        return None
    for status in _STATUSES:
        if value == status:
            return status
    message = f"Invalid 'filter': expected one of {', '.join(_STATUSES)}, got '{value[:40]}'."
    raise APIError(400, message, param="filter", code="invalid_value")


def _page(params: ListParams) -> dict[str, Any]:
    return {
        "order": params.order,
        "after": params.after,
        "before": params.before,
        "limit": params.limit + 1,
    }


def _chunking(value: Any) -> dict[str, Any] | None:
    return None if value is None else value.model_dump(exclude_none=True)


async def create_file(request: Request) -> JSONResponse:
    body = await parse_body(request, CreateVectorStoreFileRequest)
    file = (
        await context_of(request)
        .vector_stores()
        .files.add(
            request.path_params["vector_store_id"],
            body.file_id,
            attributes=body.attributes,
            chunking_strategy=_chunking(body.chunking_strategy),
        )
    )
    return JSONResponse(file.wire())


async def list_files(request: Request) -> JSONResponse:
    params = list_params(request)
    files = (
        await context_of(request)
        .vector_stores()
        .files.list(
            request.path_params["vector_store_id"], status=_status_filter(request), **_page(params)
        )
    )
    return JSONResponse(list_page([file.wire() for file in files], params.limit))


async def retrieve_file(request: Request) -> JSONResponse:
    ctx = context_of(request)
    path = request.path_params
    file = await ctx.vector_stores().files.get(path["vector_store_id"], path["file_id"])
    return JSONResponse(file.wire(), headers=poll_after(ctx))


async def update_file(request: Request) -> JSONResponse:
    body = await parse_body(request, UpdateVectorStoreFileRequest)
    path = request.path_params
    with file_search_errors(path["vector_store_id"]):
        file = (
            await context_of(request)
            .vector_stores()
            .files.update(
                path["vector_store_id"], path["file_id"], attributes=body.attributes or {}
            )
        )
    return JSONResponse(file.wire())


async def delete_file(request: Request) -> JSONResponse:
    path = request.path_params
    await context_of(request).vector_stores().files.delete(path["vector_store_id"], path["file_id"])
    return JSONResponse(deleted(path["file_id"], "vector_store.file.deleted"))


async def file_content(request: Request) -> JSONResponse:
    path = request.path_params
    with file_search_errors(path["vector_store_id"]):
        pieces = (
            await context_of(request)
            .vector_stores()
            .files.content(path["vector_store_id"], path["file_id"])
        )
    page = {
        "object": "vector_store.file_content.page",
        "data": [{"type": "text", "text": piece} for piece in pieces],
        "has_more": False,
        "next_page": None,
    }
    return JSONResponse(page)


async def create_batch(request: Request) -> JSONResponse:
    body = await parse_body(request, CreateFileBatchRequest)
    files = [
        {
            **item.model_dump(exclude_none=True),
            "chunking_strategy": _chunking(item.chunking_strategy),
        }
        for item in body.files or []
    ]
    batch = (
        await context_of(request)
        .vector_stores()
        .file_batches.create(
            request.path_params["vector_store_id"],
            body.file_ids or (),
            files=files,
            attributes=body.attributes,
            chunking_strategy=_chunking(body.chunking_strategy),
        )
    )
    return JSONResponse(batch.wire())


async def retrieve_batch(request: Request) -> JSONResponse:
    ctx = context_of(request)
    path = request.path_params
    batch = await ctx.vector_stores().file_batches.get(path["vector_store_id"], path["batch_id"])
    return JSONResponse(batch.wire(), headers=poll_after(ctx))


async def cancel_batch(request: Request) -> JSONResponse:
    path = request.path_params
    batch = (
        await context_of(request)
        .vector_stores()
        .file_batches.cancel(path["vector_store_id"], path["batch_id"])
    )
    return JSONResponse(batch.wire())


async def list_batch_files(request: Request) -> JSONResponse:
    params = list_params(request)
    path = request.path_params
    files = (
        await context_of(request)
        .vector_stores()
        .file_batches.list_files(
            path["vector_store_id"],
            path["batch_id"],
            status=_status_filter(request),
            **_page(params),
        )
    )
    return JSONResponse(list_page([file.wire() for file in files], params.limit))


_FILES = "/v1/vector_stores/{vector_store_id}/files"
_BATCHES = "/v1/vector_stores/{vector_store_id}/file_batches"
routes = [
    Route(_FILES, create_file, methods=["POST"]),
    Route(_FILES, list_files, methods=["GET"]),
    Route(_FILES + "/{file_id}", retrieve_file, methods=["GET"]),
    Route(_FILES + "/{file_id}", update_file, methods=["POST"]),
    Route(_FILES + "/{file_id}", delete_file, methods=["DELETE"]),
    Route(_FILES + "/{file_id}/content", file_content, methods=["GET"]),
    Route(_BATCHES, create_batch, methods=["POST"]),
    Route(_BATCHES + "/{batch_id}", retrieve_batch, methods=["GET"]),
    Route(_BATCHES + "/{batch_id}/cancel", cancel_batch, methods=["POST"]),
    Route(_BATCHES + "/{batch_id}/files", list_batch_files, methods=["GET"]),
]
