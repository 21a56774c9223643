"""An agent inside an async web service, streaming each run to the browser as server-sent events.

One model client and one `Runner` over a `SQLiteStore` are created when the app starts (its
lifespan) and shared by every request; each request runs the agent on its own thread and
streams the run's events. If the browser goes away, the stream is closed and the run is
cancelled with it.

    python examples/web_service/app.py        # then open http://127.0.0.1:8000

Offline by default (a scripted support bot stands in for the model); with OPENAI_API_KEY
(or OPENAI_BASE_URL) set it uses the Responses API.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
from collections.abc import AsyncGenerator, AsyncIterator
from contextlib import AsyncExitStack, aclosing, asynccontextmanager
from pathlib import Path
from typing import Any

from openai import AsyncOpenAI
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response, StreamingResponse
from starlette.routing import Route

from agentkit import Agent, AgentkitError, RunEvent, Runner, tool
from agentkit.events import (
    RunStatusEvent,
    TextDeltaEvent,
    ToolCallFinishedEvent,
    ToolCallStartedEvent,
)
from agentkit.exceptions import NotFoundError
from agentkit.models import Model, ModelRequest, ResponsesModel, ToolOutputItem, UserMessageItem
from agentkit.stores import SQLiteStore
from agentkit.testing import FunctionInfo, FunctionModel, ModelTurn, call_tool, text

PAGE = Path(__file__).with_name("index.html").read_text(encoding="utf-8")


@tool
async def order_status(order_id: int) -> dict[str, str]:
    """Where an order is."""
    await asyncio.sleep(0.1)  # a call to the order service
    return {"order": str(order_id), "status": "shipped", "carrier": "DHL"}


@tool
async def delivery_estimate(order_id: int) -> str:
    """When an order should arrive."""
    await asyncio.sleep(0.1)
    return "Thursday"


def offline_support(request: ModelRequest, info: FunctionInfo) -> ModelTurn:
    """Scripted stand-in for a model: look the order up, then answer."""
    last = request.items[-1]
    if isinstance(last, UserMessageItem):
        order = int((re.findall(r"\d+", last.text) or ["42"])[0])
        return ModelTurn(
            tool_calls=(
                call_tool("order_status", {"order_id": order}),
                call_tool("delivery_estimate", {"order_id": order}),
            )
        )
    status, arrival = [i.output for i in request.items[-2:] if isinstance(i, ToolOutputItem)]
    found = json.loads(status)
    return text(
        f"Order {found['order']} has {found['status']} with {found['carrier']} "
        f"and should arrive on {arrival}."
    )


def build_agent(model: Model) -> Agent:
    return Agent(
        name="Support",
        instructions="Help customers with their orders. Be brief.",
        model=model,
        tools=[order_status, delivery_estimate],
    )


def create_app(db_path: str | Path = "web_service.db", model: Model | None = None) -> Starlette:
    """The web app; ``model`` overrides the one chosen from the environment."""

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        # Created once, shared by every request, closed when the server stops.
        async with AsyncExitStack() as resources:
            chosen = model
            if chosen is None and _api_configured():
                client = await resources.enter_async_context(AsyncOpenAI())
                chosen = ResponsesModel(os.environ.get("AGENTKIT_MODEL", "gpt-5.1"), client=client)
            runner = await resources.enter_async_context(Runner(SQLiteStore(db_path)))
            app.state.runner = runner
            app.state.agent = build_agent(chosen or FunctionModel(offline_support))
            yield

    routes = [Route("/", page), Route("/chat", chat)]
    return Starlette(routes=routes, lifespan=lifespan)


async def page(request: Request) -> Response:
    return HTMLResponse(PAGE)


async def chat(request: Request) -> Response:
    """``GET /chat?message=...&thread=...``: run the agent, stream its events (SSE)."""
    message = request.query_params.get("message", "").strip()
    if not message:
        return JSONResponse({"error": "message is required"}, status_code=400)
    runner: Runner = request.app.state.runner
    thread = request.query_params.get("thread") or None
    if thread is not None:
        try:
            await runner.store.get_thread(thread)
        except NotFoundError:
            return JSONResponse({"error": f"no thread {thread}"}, status_code=404)
    events = runner.iter_run(request.app.state.agent, message, thread=thread)
    return StreamingResponse(
        server_sent_events(events),
        media_type="text/event-stream",
        headers={"cache-control": "no-cache"},
    )


async def server_sent_events(events: AsyncGenerator[RunEvent, None]) -> AsyncIterator[str]:
    """The run's events the page shows, as SSE frames; ``done`` last."""
    try:
        async with aclosing(events) as stream:
            async for event in stream:
                if (frame := to_frame(event)) is not None:
                    yield frame
    except AgentkitError as exc:  # e.g. a run already active on this thread
        yield sse("error", {"message": str(exc)})
    yield sse("done", {})


def to_frame(event: RunEvent) -> str | None:
    match event:
        case RunStatusEvent(run=run):
            return sse("status", {"status": run.status, "run": run.id, "thread": run.thread_id})
        case TextDeltaEvent(text=delta):
            return sse("delta", {"text": delta})
        case ToolCallStartedEvent(call_id=call_id, name=name, arguments=arguments):
            return sse("tool", {"id": call_id, "name": name, "arguments": arguments})
        case ToolCallFinishedEvent(call_id=call_id, output=output, duration_ms=ms):
            return sse("tool_done", {"id": call_id, "output": output, "ms": round(ms)})
    return None


def sse(event: str, data: dict[str, Any]) -> str:
    return f"event: {event}\ndata: {json.dumps(data)}\n\n"


def _api_configured() -> bool:
    return bool(os.environ.get("OPENAI_API_KEY") or os.environ.get("OPENAI_BASE_URL"))


async def main() -> None:
    import uvicorn

    config = uvicorn.Config(create_app(), host="127.0.0.1", port=8000)
    print("Serving on http://127.0.0.1:8000")
    await uvicorn.Server(config).serve()


if __name__ == "__main__":
    asyncio.run(main())
