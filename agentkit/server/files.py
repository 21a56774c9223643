"""``/v1/files``: upload (multipart, streamed to disk), list, retrieve, delete, content."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.routing import Route

from agentkit.exceptions import NotFoundError
from agentkit.files import Files
from agentkit.records import FileObject
from agentkit.server.context import context_of
from agentkit.server.errors import APIError, not_found
from agentkit.server.uploads import receive_upload
from agentkit.server.wire import deleted

__all__ = ["get_file", "routes"]

_MAX_LIST = 10_000


async def get_file(files: Files, file_id: str) -> FileObject:
    """The file of the request's project, or a 404."""
    try:
        return await files.get(file_id)
    except NotFoundError:
        raise not_found("file", file_id) from None


async def create_file(request: Request) -> JSONResponse:
    ctx = context_of(request)
    file = await receive_upload(request, ctx.files, body_timeout=ctx.config.body_timeout)
    return JSONResponse(file.wire())


async def list_files(request: Request) -> JSONResponse:
    query = request.query_params
    raw_limit = query.get("limit", str(_MAX_LIST))
    if not (raw_limit.isascii() and raw_limit.isdigit() and 1 <= int(raw_limit) <= _MAX_LIST):
        message = f"Invalid 'limit': expected an integer between 1 and {_MAX_LIST}."
        raise APIError(400, message, param="limit", code="invalid_value")
    order = query.get("order", "desc")
    if order not in ("asc", "desc"):
        message = f"Invalid 'order': expected 'asc' or 'desc', got '{order[:40]}'."
        raise APIError(400, message, param="order", code="invalid_value")
    limit = int(raw_limit)
    files = await context_of(request).files.list(
        purpose=query.get("purpose") or None,
        order="asc" if order == "asc" else "desc",
        after=query.get("after") or None,
        limit=limit + 1,
    )
    page = [file.wire() for file in files[:limit]]
    body = {
        "object": "list",
        "data": page,
        "first_id": page[0]["id"] if page else None,
        "last_id": page[-1]["id"] if page else None,
        "has_more": len(files) > limit,
    }
    return JSONResponse(body)


async def retrieve_file(request: Request) -> JSONResponse:
    file = await get_file(context_of(request).files, request.path_params["file_id"])
    return JSONResponse(file.wire())


async def delete_file(request: Request) -> JSONResponse:
    files = context_of(request).files
    file = await get_file(files, request.path_params["file_id"])
    await files.delete(file.id)
    return JSONResponse(deleted(file.id, "file"))


async def file_content(request: Request) -> Response:
    files = context_of(request).files
    file = await get_file(files, request.path_params["file_id"])
    chunks = files.chunks(file.id)
    try:
        first = await anext(chunks, b"")
    except NotFoundError:
        raise not_found("file content", file.id) from None

    async def body() -> object:
        yield first
        async for chunk in chunks:
            yield chunk

    return StreamingResponse(
        body(),  # type: ignore[arg-type]
        media_type="application/octet-stream",
        headers={"content-length": str(file.bytes)},
    )


routes = [
    Route("/v1/files", create_file, methods=["POST"]),
    Route("/v1/files", list_files, methods=["GET"]),
    Route("/v1/files/{file_id}", retrieve_file, methods=["GET"]),
    Route("/v1/files/{file_id}", delete_file, methods=["DELETE"]),
    Route("/v1/files/{file_id}/content", file_content, methods=["GET"]),
]
