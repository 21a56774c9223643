"""``/v1/threads/{thread_id}/runs/{run_id}/steps``: list and retrieve run steps.

``include=step_details.tool_calls[*].file_search.results[*].content`` adds the text of
``file_search`` results, which steps leave out otherwise.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from agentkit.exceptions import NotFoundError
from agentkit.server.body import include_search_content, list_params
from agentkit.server.context import context_of
from agentkit.server.errors import not_found
from agentkit.server.runs import get_run
from agentkit.server.wire import list_page, step_wire

__all__ = ["routes"]


async def list_steps(request: Request) -> JSONResponse:
    params = list_params(request)
    content = include_search_content(request)
    store = context_of(request).store
    path = request.path_params
    run = await get_run(store, path["thread_id"], path["run_id"])
    steps = await store.list_steps(
        run.id, order=params.order, after=params.after, before=params.before, limit=params.limit + 1
    )
    page = [step_wire(step, search_content=content) for step in steps]
    return JSONResponse(list_page(page, params.limit))


async def retrieve_step(request: Request) -> JSONResponse:
    content = include_search_content(request)
    store = context_of(request).store
    path = request.path_params
    run = await get_run(store, path["thread_id"], path["run_id"])
    step_id = path["step_id"]
    try:
        step = await store.get_step(step_id)
    except NotFoundError:
        step = None
    if step is None or step.run_id != run.id:
        raise not_found("run step", step_id)
    return JSONResponse(step_wire(step, search_content=content))


_BASE = "/v1/threads/{thread_id}/runs/{run_id}/steps"
routes = [
    Route(_BASE, list_steps, methods=["GET"]),
    Route(_BASE + "/{step_id}", retrieve_step, methods=["GET"]),
]
