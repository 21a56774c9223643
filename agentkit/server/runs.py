"""``/v1/threads/{thread_id}/runs`` and ``/v1/threads/runs``: runs over the engine.

Creating a run (or submitting tool outputs) hands the engine's event stream to the
`RunExecutor`: without ``stream`` the response is the run as recorded (``queued``; clients poll
``GET``), with ``stream`` it is the run's Server-Sent Events until it ends or pauses.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator, Sequence
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.routing import Route

from agentkit.events import RunEvent
from agentkit.exceptions import NotFoundError
from agentkit.records import Message, Run, ToolApproval, now
from agentkit.server.assistants import get_assistant
from agentkit.server.body import include_search_content, list_params, parse_body
from agentkit.server.context import RequestContext, context_of
from agentkit.server.errors import APIError, not_found
from agentkit.server.file_search_resources import check_attachments, index_attachments
from agentkit.server.handoffs import AgentBuilder, agent_with_handoffs
from agentkit.server.image_files import check_image_files, numbered
from agentkit.server.run_agent import run_fields
from agentkit.server.schemas import (
    CreateRunRequest,
    CreateThreadAndRunRequest,
    ModifyRunRequest,
    RunOptions,
    SubmitToolOutputsRequest,
    ToolApprovalParam,
    ToolOutput,
)
from agentkit.server.setting_schemas import tool_resources_wire
from agentkit.server.sse import RunFrames, sse_stream
from agentkit.server.stored_agent import agent_builder
from agentkit.server.sweeper import expire_if_due
from agentkit.server.threads import create_thread_from, get_thread, new_message
from agentkit.server.wire import list_page, run_wire
from agentkit.stores.assistants import AssistantsStore

__all__ = ["get_run", "routes"]


async def get_run(store: AssistantsStore, thread_id: str, run_id: str) -> Run:
    """The run of this thread (expired first if overdue), or a 404."""
    try:
        run = await store.get_run(run_id)
    except NotFoundError:
        run = None
    if run is None or run.thread_id != thread_id:
        raise not_found("run", run_id)
    return await expire_if_due(store, run)


async def _launch(
    ctx: RequestContext,
    events: AsyncGenerator[RunEvent, None],
    *,
    stream: bool,
    resumed: bool = False,
    prelude: tuple[tuple[str, Any], ...] = (),
    search_content: bool = False,
) -> Response:
    run, queue = await ctx.executor.start(events, stream=stream)
    if queue is None:
        # Clients poll next: tell them when, from the first response on.
        return JSONResponse(run_wire(run), headers=_poll_after(ctx))
    frames = RunFrames(resumed=resumed, search_content=search_content)
    body = sse_stream(queue, frames, prelude)
    return StreamingResponse(
        body, media_type="text/event-stream", headers={"cache-control": "no-cache"}
    )


async def _start_run(
    ctx: RequestContext,
    thread_id: str,
    options: RunOptions,
    *,
    additional_instructions: str | None = None,
    additional_messages: Sequence[Message] = (),
    prelude: tuple[tuple[str, Any], ...] = (),
    search_content: bool = False,
) -> Response:
    assistant = await get_assistant(ctx.store, options.assistant_id)
    fields = run_fields(assistant, options, additional_instructions)
    probe = Run(thread_id=thread_id, assistant_id=options.assistant_id, **fields)
    agent = await agent_with_handoffs(ctx.store, probe, assistant, _agent_builder(ctx))
    events = ctx.runner.iter_run(
        agent,
        None,
        thread=thread_id,
        metadata=options.metadata,
        run_fields=fields,
        additional_messages=additional_messages,
    )
    stream = bool(options.stream)
    return await _launch(ctx, events, stream=stream, prelude=prelude, search_content=search_content)


async def create_run(request: Request) -> Response:
    body = await parse_body(request, CreateRunRequest)
    search_content = include_search_content(request)
    ctx = context_of(request)
    thread_id = request.path_params["thread_id"]
    await get_thread(ctx.store, thread_id)
    await check_attachments(ctx, body.additional_messages or [], "additional_messages")
    await check_image_files(ctx.files, numbered("additional_messages", body.additional_messages))
    # Indexed before the run starts, so its first search sees them.
    await index_attachments(ctx, thread_id, body.additional_messages or [])
    # Added with the run, atomically: a request refused for the thread's active run leaves
    # no message behind (nor in the winner's conversation).
    messages = [new_message(thread_id, m) for m in body.additional_messages or []]
    return await _start_run(
        ctx,
        thread_id,
        body,
        additional_instructions=body.additional_instructions,
        additional_messages=messages,
        search_content=search_content,
    )


async def create_thread_and_run(request: Request) -> Response:
    body = await parse_body(request, CreateThreadAndRunRequest)
    ctx = context_of(request)
    await get_assistant(ctx.store, body.assistant_id)
    resources = tool_resources_wire(body.tool_resources) if body.tool_resources else None
    thread = await create_thread_from(
        ctx, body.thread, tool_resources=resources, where="thread.messages"
    )
    prelude = (("thread.created", thread.wire()),) if body.stream else ()
    return await _start_run(ctx, thread.id, body, prelude=prelude)


async def list_runs(request: Request) -> JSONResponse:
    params = list_params(request)
    store = context_of(request).store
    thread_id = request.path_params["thread_id"]
    await get_thread(store, thread_id)
    runs = await store.list_runs(
        thread_id,
        order=params.order,
        after=params.after,
        before=params.before,
        limit=params.limit + 1,
    )
    runs = [await expire_if_due(store, run) for run in runs]
    return JSONResponse(list_page([run_wire(run) for run in runs], params.limit))


async def retrieve_run(request: Request) -> JSONResponse:
    ctx = context_of(request)
    path = request.path_params
    run = await get_run(ctx.store, path["thread_id"], path["run_id"])
    return JSONResponse(run_wire(run), headers=_poll_after(ctx))


async def modify_run(request: Request) -> JSONResponse:
    body = await parse_body(request, ModifyRunRequest)
    store = context_of(request).store
    path = request.path_params
    run = await get_run(store, path["thread_id"], path["run_id"])
    if "metadata" in body.model_fields_set:
        run = run.model_copy(update={"metadata": body.metadata or {}})
        await store.save_run(run)
    return JSONResponse(run_wire(run))


async def cancel_run(request: Request) -> JSONResponse:
    ctx = context_of(request)
    path = request.path_params
    run = await get_run(ctx.store, path["thread_id"], path["run_id"])
    if run.is_terminal:
        raise APIError(400, f"Cannot cancel run with status '{run.status}'.")
    cancelled = await ctx.runner.cancel(run.id)
    stamp = now()
    for step in await ctx.store.list_steps(run.id):
        if step.status == "in_progress":
            update = {"status": "cancelled", "cancelled_at": stamp}
            await ctx.store.save_step(step.model_copy(update=update))
    return JSONResponse(run_wire(cancelled))


async def submit_tool_outputs(request: Request) -> Response:
    """Tool outputs, or (Foundry's ``tool_approvals``) decisions on calls waiting for approval."""
    body = await parse_body(request, SubmitToolOutputsRequest)
    ctx = context_of(request)
    path = request.path_params
    run = await get_run(ctx.store, path["thread_id"], path["run_id"])
    if run.status != "requires_action" or run.required_action is None:
        message = f'Runs in status "{run.status}" do not accept tool outputs.'
        raise APIError(400, message)
    assistant = await _assistant(ctx.store, run.assistant_id)
    agent = await agent_with_handoffs(ctx.store, run, assistant, _agent_builder(ctx))
    if run.required_action.type == "submit_tool_approval":
        decisions = [ToolApproval.model_validate(a.model_dump()) for a in _approvals(body)]
        events = ctx.runner.iter_submit_tool_approvals(agent, run.id, decisions)
    else:
        outputs = [output.model_dump() for output in _outputs(body)]
        events = ctx.runner.iter_submit_tool_outputs(agent, run.id, outputs)
    return await _launch(ctx, events, stream=bool(body.stream), resumed=True)


def _approvals(body: SubmitToolOutputsRequest) -> list[ToolApprovalParam]:
    if body.tool_approvals is None or body.tool_outputs:
        raise APIError(
            400,
            "This run waits for tool approvals: send 'tool_approvals' (one decision per call "
            "in required_action.submit_tool_approval), not 'tool_outputs'.",
            param="tool_approvals",
        )
    return body.tool_approvals


def _outputs(body: SubmitToolOutputsRequest) -> list[ToolOutput]:
    if body.tool_outputs is None or body.tool_approvals:
        raise APIError(
            400,
            "This run waits for tool outputs: send 'tool_outputs' (one per call in "
            "required_action.submit_tool_outputs), not 'tool_approvals'.",
            param="tool_outputs",
        )
    return body.tool_outputs


async def _assistant(store: AssistantsStore, assistant_id: str) -> dict[str, Any]:
    # The run keeps everything it needs; the assistant may even have been deleted since.
    try:
        return await store.get_assistant(assistant_id)
    except NotFoundError:
        return {}


def _agent_builder(ctx: RequestContext) -> AgentBuilder:
    return agent_builder(ctx.store, ctx.files, served=ctx.served, config=ctx.config)


_RUN = "/v1/threads/{thread_id}/runs/{run_id}"
routes = [
    Route("/v1/threads/runs", create_thread_and_run, methods=["POST"]),
    Route("/v1/threads/{thread_id}/runs", create_run, methods=["POST"]),
    Route("/v1/threads/{thread_id}/runs", list_runs, methods=["GET"]),
    Route(_RUN, retrieve_run, methods=["GET"]),
    Route(_RUN, modify_run, methods=["POST"]),
    Route(_RUN + "/cancel", cancel_run, methods=["POST"]),
    Route(_RUN + "/submit_tool_outputs", submit_tool_outputs, methods=["POST"]),
]


def _poll_after(ctx: RequestContext) -> dict[str, str]:
    return {"openai-poll-after-ms": str(ctx.config.poll_after_ms)}
