"""``/v1/vector_stores``: create, list, retrieve, modify, delete and search vector stores.

The openai SDK calls these as ``client.vector_stores``. A store's ``status``,
``usage_bytes`` and ``file_counts`` come from its files, so ``create_and_poll`` and
``upload_and_poll`` (which poll the files) see ingestion end; retrieving a store or a file
sends ``openai-poll-after-ms``, as run retrieval does.
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from agentkit.server.body import list_params, parse_body
from agentkit.server.context import RequestContext, context_of
from agentkit.server.file_search import file_search_errors
from agentkit.server.file_search_resources import forget_vector_store
from agentkit.server.vector_store_schemas import (
    CreateVectorStoreRequest,
    ModifyVectorStoreRequest,
    SearchVectorStoreRequest,
)
from agentkit.server.wire import deleted, list_page

__all__ = ["poll_after", "routes"]


def poll_after(ctx: RequestContext) -> dict[str, str]:
    """The header telling polling clients when to ask again."""
    return {"openai-poll-after-ms": str(ctx.config.poll_after_ms)}


def _chunking(value: Any) -> dict[str, Any] | None:
    return None if value is None else value.model_dump(exclude_none=True)


async def create_vector_store(request: Request) -> JSONResponse:
    body = await parse_body(request, CreateVectorStoreRequest)
    ctx = context_of(request)
    store = await ctx.vector_stores().create(
        name=body.name,
        file_ids=body.file_ids or (),
        chunking_strategy=_chunking(body.chunking_strategy),
        expires_after=body.expires_after.model_dump() if body.expires_after else None,
        metadata=body.metadata,
        description=body.description,
    )
    return JSONResponse(store.wire())


async def list_vector_stores(request: Request) -> JSONResponse:
    params = list_params(request)
    stores = (
        await context_of(request)
        .vector_stores()
        .list(order=params.order, after=params.after, before=params.before, limit=params.limit + 1)
    )
    return JSONResponse(list_page([store.wire() for store in stores], params.limit))


async def retrieve_vector_store(request: Request) -> JSONResponse:
    ctx = context_of(request)
    store = await ctx.vector_stores().get(request.path_params["vector_store_id"])
    return JSONResponse(store.wire(), headers=poll_after(ctx))


async def modify_vector_store(request: Request) -> JSONResponse:
    body = await parse_body(request, ModifyVectorStoreRequest)
    given = body.model_fields_set
    store = (
        await context_of(request)
        .vector_stores()
        .update(
            request.path_params["vector_store_id"],
            name=body.name,
            metadata=body.metadata if "metadata" in given else None,
            expires_after=body.expires_after.model_dump() if body.expires_after else None,
            clear_expiry="expires_after" in given and body.expires_after is None,
        )
    )
    return JSONResponse(store.wire())


async def delete_vector_store(request: Request) -> JSONResponse:
    vector_store_id = request.path_params["vector_store_id"]
    ctx = context_of(request)
    await ctx.vector_stores().delete(vector_store_id)
    await forget_vector_store(ctx, vector_store_id)
    return JSONResponse(deleted(vector_store_id, "vector_store.deleted"))


async def search_vector_store(request: Request) -> JSONResponse:
    body = await parse_body(request, SearchVectorStoreRequest)
    vector_store_id = request.path_params["vector_store_id"]
    search = body.model_dump(exclude_none=True)
    with file_search_errors(vector_store_id):
        hits = await context_of(request).vector_stores().search(vector_store_id, search)
    query = [body.query] if isinstance(body.query, str) else list(body.query)
    page = {
        "object": "vector_store.search_results.page",
        "search_query": query,
        "data": [hit.to_api() for hit in hits],
        "has_more": False,
        "next_page": None,
    }
    return JSONResponse(page)


_STORE = "/v1/vector_stores/{vector_store_id}"
routes = [
    Route("/v1/vector_stores", create_vector_store, methods=["POST"]),
    Route("/v1/vector_stores", list_vector_stores, methods=["GET"]),
    Route(_STORE, retrieve_vector_store, methods=["GET"]),
    Route(_STORE, modify_vector_store, methods=["POST"]),
    Route(_STORE, delete_vector_store, methods=["DELETE"]),
    Route(_STORE + "/search", search_vector_store, methods=["POST"]),
]
