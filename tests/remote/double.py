"""A scripted Assistants-wire service for the remote backend's tests (minimal on purpose).

Its "model" calls every tool of the assistant once (arguments from `Double.arguments`), then
answers ``"outputs: <output>, ..."``. Knobs make it deviate: Foundry's statuses and
tool_choice, ``openai-poll-after-ms`` values, runs that never end, failures.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import time
from dataclasses import dataclass, field
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.routing import Mount, Route

from agentkit.records import (
    FunctionCall,
    FunctionToolCall,
    IncompleteDetails,
    LastError,
    Message,
    MessageCreation,
    MessageCreationStepDetails,
    RequiredAction,
    Run,
    RunStep,
    RunUsage,
    SubmitToolOutputs,
    Thread,
    ToolCallsStepDetails,
)

Events = list[tuple[str, Any]]


@dataclass
class Double:
    foundry: bool = False
    poll_after: list[str] = field(default_factory=lambda: ["20"])
    in_progress_polls: int = 1
    hang: bool = False
    expires_in: int = 600
    fail: LastError | None = None
    cut_short: bool = False
    arguments: dict[str, str] = field(default_factory=dict)
    assistant_list_status: int | None = None  # answer GET /assistants with this error
    lists_steps: bool = True  # False: every steps list is empty (the steps are not shown)
    thread_and_run: bool = True  # False: no POST /threads/runs (404), as some services
    junk_events: bool = False  # True: each stream also carries values that are no events
    refuse_deletes: bool = False  # True: DELETE /threads/{id} fails, echoing the auth header
    requests: list[tuple[str, str, dict[str, str], Any]] = field(default_factory=list)
    assistants: dict[str, dict[str, Any]] = field(default_factory=dict)
    runs: dict[str, Run] = field(default_factory=dict)
    steps: dict[str, list[RunStep]] = field(default_factory=dict)
    messages: dict[str, Message] = field(default_factory=dict)
    sent: list[tuple[str | None, float]] = field(default_factory=list)
    threads: set[str] = field(default_factory=set)
    _ticks: dict[str, int] = field(default_factory=dict)
    _cancels: dict[str, asyncio.Event] = field(default_factory=dict)
    _headers: Any = None

    def __post_init__(self) -> None:
        self._headers = itertools.cycle(self.poll_after)
        routes = [
            Route("/assistants", self.create_assistant, methods=["POST"]),
            Route("/assistants", self.list_assistants, methods=["GET"]),
            Route("/assistants/{aid}", self.update_assistant, methods=["POST"]),
            Route("/threads", self.create_thread, methods=["POST"]),
            Route("/threads/{tid}", self.delete_thread, methods=["DELETE"]),
            Route("/threads/runs", self.create_thread_and_run, methods=["POST"]),
            Route("/threads/{tid}/messages", self.add_message, methods=["POST"]),
            Route("/threads/{tid}/messages", self.list_messages, methods=["GET"]),
            Route("/threads/{tid}/messages/{mid}", self.get_message, methods=["GET"]),
            Route("/threads/{tid}/runs", self.create_run, methods=["POST"]),
            Route("/threads/{tid}/runs/{rid}", self.get_run, methods=["GET"]),
            Route("/threads/{tid}/runs/{rid}/steps", self.list_steps, methods=["GET"]),
            Route("/threads/{tid}/runs/{rid}/cancel", self.cancel, methods=["POST"]),
            Route("/threads/{tid}/runs/{rid}/submit_tool_outputs", self.submit, methods=["POST"]),
        ]
        self.app = Starlette(routes=[Mount("/v1", routes=routes), Mount("/openai", routes=routes)])

    def set_poll_after(self, *values: str) -> None:
        self._headers = itertools.cycle(values)

    def paths(self, method: str = "POST") -> list[str]:
        return [path for m, path, _, _ in self.requests if m == method]

    async def _record(self, request: Request) -> Any:
        raw = await request.body()
        body = json.loads(raw) if raw else None
        self.requests.append((request.method, request.url.path, dict(request.query_params), body))
        return body

    def _json(self, data: Any, status: int = 200) -> JSONResponse:
        after = next(self._headers)
        if data.get("object") == "thread.run":
            self.sent.append((data["status"], float(after) / 1000))
        return JSONResponse(data, status, headers={"openai-poll-after-ms": after})

    # -- assistants, threads, messages -------------------------------------------------------
    async def create_assistant(self, request: Request) -> Response:
        body = await self._record(request)
        aid = f"asst_{len(self.assistants) + 1}"
        self.assistants[aid] = {"id": aid, "object": "assistant", "created_at": 1, **body}
        self.assistants[aid].setdefault("description", None)
        return self._json(self.assistants[aid])

    async def list_assistants(self, request: Request) -> Response:
        await self._record(request)
        if self.assistant_list_status is not None:
            error = {"message": "Not supported.", "type": "invalid_request_error"}
            return self._json(
                {"error": {**error, "code": None, "param": None}}, self.assistant_list_status
            )
        return self._list(list(reversed(self.assistants.values())))

    def _list(self, data: list[dict[str, Any]]) -> JSONResponse:
        ids = [item["id"] for item in data]
        return self._json(
            {
                "object": "list",
                "data": data,
                "first_id": ids[0] if ids else None,
                "last_id": ids[-1] if ids else None,
                "has_more": False,
            }
        )

    async def update_assistant(self, request: Request) -> Response:
        body = await self._record(request)
        self.assistants[request.path_params["aid"]].update(body)
        return self._json(self.assistants[request.path_params["aid"]])

    async def create_thread(self, request: Request) -> Response:
        await self._record(request)
        thread = Thread()
        self.threads.add(thread.id)
        return self._json(thread.wire())

    async def delete_thread(self, request: Request) -> Response:
        await self._record(request)
        tid = request.path_params["tid"]
        if self.refuse_deletes:  # a careless service quotes the request's credentials back
            error = {"message": f"cannot delete ({request.headers['authorization']})"}
            return self._json({"error": {**error, "type": "server_error"}}, 500)
        if tid not in self.threads:
            error = {"message": "No thread found.", "type": "invalid_request_error"}
            return self._json({"error": {**error, "code": None, "param": None}}, 404)
        self.threads.discard(tid)
        return self._json({"id": tid, "object": "thread.deleted", "deleted": True})

    async def add_message(self, request: Request) -> Response:
        body = await self._record(request)
        if request.path_params["tid"] not in self.threads:
            error = {"message": "No thread found.", "type": "invalid_request_error"}
            return self._json({"error": {**error, "code": None, "param": None}}, 404)
        message = Message.of_text(request.path_params["tid"], "user", body["content"])
        return self._json(message.wire())

    async def list_messages(self, request: Request) -> Response:
        await self._record(request)
        run_id = request.query_params.get("run_id")
        return self._list(
            [
                m.wire()
                for m in self.messages.values()
                if m.thread_id == request.path_params["tid"] and run_id in (None, m.run_id)
            ]
        )

    async def get_message(self, request: Request) -> Response:
        await self._record(request)
        return self._json(self.messages[request.path_params["mid"]].wire())

    # -- runs --------------------------------------------------------------------------------
    async def create_run(self, request: Request) -> Response:
        body = await self._record(request)
        if request.path_params["tid"] not in self.threads:
            error = {"message": "No thread found.", "type": "invalid_request_error"}
            return self._json({"error": {**error, "code": None, "param": None}}, 404)
        return self._start_run(request.path_params["tid"], body)

    async def create_thread_and_run(self, request: Request) -> Response:
        body = await self._record(request)
        if not self.thread_and_run:
            error = {"message": "Unknown request URL.", "type": "invalid_request_error"}
            return self._json({"error": {**error, "code": None, "param": None}}, 404)
        if body["assistant_id"] not in self.assistants:  # checked before the thread is made
            error = {"message": "No assistant found.", "type": "invalid_request_error"}
            return self._json({"error": {**error, "code": None, "param": None}}, 404)
        thread = Thread()
        self.threads.add(thread.id)
        return self._start_run(thread.id, body)

    def _start_run(self, tid: str, body: dict[str, Any]) -> Response:
        if self.foundry and body.get("tool_choice") == "required":
            return self._json(
                {
                    "error": {
                        "message": "tool_choice 'required' is not supported",
                        "type": "invalid_request_error",
                        "code": None,
                        "param": "tool_choice",
                    }
                },
                400,
            )
        if body["assistant_id"] not in self.assistants:
            error = {"message": "No assistant found.", "type": "invalid_request_error"}
            return self._json({"error": {**error, "code": None, "param": None}}, 404)
        assistant = self.assistants[body["assistant_id"]]
        run = Run(
            thread_id=tid,
            assistant_id=assistant["id"],
            model=assistant["model"],
            instructions=assistant.get("instructions") or "",
            tools=assistant.get("tools") or [],
            tool_choice=body.get("tool_choice", "auto"),
            expires_at=int(time.time()) + self.expires_in,
        )
        self.runs[run.id], self.steps[run.id] = run, []
        self._ticks[run.id] = self.in_progress_polls
        if not body.get("stream"):
            return self._json(run.wire())
        events: Events = [("thread.run.created", run), *self._advance(run.id)]
        return self._sse(events, run.id)

    async def get_run(self, request: Request) -> Response:
        await self._record(request)
        rid = request.path_params["rid"]
        self._advance(rid)
        return self._json(self.runs[rid].wire())

    async def list_steps(self, request: Request) -> Response:
        await self._record(request)
        steps = self.steps[request.path_params["rid"]] if self.lists_steps else []
        return self._list([s.wire() for s in steps])

    async def cancel(self, request: Request) -> Response:
        await self._record(request)
        rid = request.path_params["rid"]
        self._set(rid, "cancelling")
        self._cancel_requested(rid).set()
        return self._json(self.runs[rid].wire())

    async def submit(self, request: Request) -> Response:
        body = await self._record(request)
        rid = request.path_params["rid"]
        outputs = {o["tool_call_id"]: o["output"] for o in body["tool_outputs"]}
        step = self.steps[rid][-1]
        assert isinstance(step.step_details, ToolCallsStepDetails)
        calls = [
            c.model_copy(
                update={"function": c.function.model_copy(update={"output": outputs[c.id]})}
            )
            for c in step.step_details.tool_calls
        ]
        done = step.model_copy(
            update={
                "status": "completed",
                "completed_at": int(time.time()),
                "step_details": ToolCallsStepDetails(tool_calls=calls),
                "usage": RunUsage(prompt_tokens=10, completion_tokens=5, total_tokens=15),
            }
        )
        self.steps[rid][-1] = done
        self._set(rid, "queued", required_action=None)
        self._ticks[rid] = self.in_progress_polls
        if not body.get("stream"):
            return self._json(self.runs[rid].wire())
        return self._sse(
            [
                ("thread.run.queued", self.runs[rid]),
                ("thread.run.step.completed", done),
                *self._advance(rid),
            ],
            rid,
        )

    # -- the scripted model ------------------------------------------------------------------
    def _cancel_requested(self, rid: str) -> asyncio.Event:
        return self._cancels.setdefault(rid, asyncio.Event())

    def _set(self, rid: str, status: str, **fields: Any) -> Run:
        self.runs[rid] = self.runs[rid].model_copy(update={"status": status, **fields})
        return self.runs[rid]

    def _advance(self, rid: str) -> Events:
        """Move the run on by one poll (all the way to a stop state when streaming)."""
        run = self.runs[rid]
        if run.status == "cancelling":
            return [
                ("thread.run.cancelled", self._set(rid, "cancelled", cancelled_at=int(time.time())))
            ]
        if run.status == "queued":
            return [("thread.run.in_progress", self._set(rid, "in_progress")), *self._advance(rid)]
        if run.status != "in_progress" or self.hang:
            return []
        if self._ticks[rid] > 0:
            self._ticks[rid] -= 1
            return []
        if not self.steps[rid] and run.tools:
            return self._call_tools(rid)
        return self._answer(rid)

    def _call_tools(self, rid: str) -> Events:
        run = self.runs[rid]
        calls = [
            FunctionToolCall(
                id=f"call_{i}",
                function=FunctionCall(
                    name=t["function"]["name"],
                    arguments=self.arguments.get(t["function"]["name"], "{}"),
                ),
            )
            for i, t in enumerate(run.tools)
        ]
        step = RunStep(
            run_id=rid,
            thread_id=run.thread_id,
            assistant_id=run.assistant_id,
            type="tool_calls",
            step_details=ToolCallsStepDetails(tool_calls=[]),
        )
        self.steps[rid].append(
            step.model_copy(update={"step_details": ToolCallsStepDetails(tool_calls=calls)})
        )
        delta = {
            "id": step.id,
            "object": "thread.run.step.delta",
            "delta": {
                "step_details": {
                    "type": "tool_calls",
                    "tool_calls": [
                        {"index": i, **c.wire(), "function": {**c.function.wire(), "output": None}}
                        for i, c in enumerate(calls)
                    ],
                }
            },
        }
        action = RequiredAction(submit_tool_outputs=SubmitToolOutputs(tool_calls=calls))
        paused = self._set(rid, "requires_action", required_action=action)
        return [
            ("thread.run.step.created", step),
            ("thread.run.step.delta", delta),
            ("thread.run.requires_action", paused),
        ]

    def _answer(self, rid: str) -> Events:
        run = self.runs[rid]
        outputs = [
            c.function.output
            for s in self.steps[rid]
            if isinstance(s.step_details, ToolCallsStepDetails)
            for c in s.step_details.tool_calls
        ]
        text = "outputs: " + ", ".join(o or "" for o in outputs)
        message = Message.of_text(run.thread_id, "assistant", text).model_copy(
            update={"run_id": rid, "assistant_id": run.assistant_id}
        )
        self.messages[message.id] = message
        step = RunStep(
            run_id=rid,
            thread_id=run.thread_id,
            assistant_id=run.assistant_id,
            type="message_creation",
            step_details=MessageCreationStepDetails(
                message_creation=MessageCreation(message_id=message.id)
            ),
        )
        done = step.model_copy(
            update={
                "status": "completed",
                "usage": RunUsage(prompt_tokens=20, completion_tokens=8, total_tokens=28),
            }
        )
        self.steps[rid].append(done)
        delta = {
            "id": message.id,
            "object": "thread.message.delta",
            "delta": {
                "content": [
                    {"index": 0, "type": "text", "text": {"value": text, "annotations": []}}
                ]
            },
        }
        events: Events = [
            ("thread.run.step.created", step),
            (
                "thread.message.created",
                message.model_copy(update={"content": [], "status": "in_progress"}),
            ),
            ("thread.message.delta", delta),
            ("thread.message.completed", message),
            ("thread.run.step.completed", done),
        ]
        return events + [self._ending(rid)]

    def _ending(self, rid: str) -> tuple[str, Run]:
        usage = RunUsage(prompt_tokens=30, completion_tokens=13, total_tokens=43)
        if self.fail is not None:
            return "thread.run.failed", self._set(rid, "failed", last_error=self.fail, usage=usage)
        if self.cut_short:
            # Foundry has no "incomplete": it reports the cut in incomplete_details.
            status = "completed" if self.foundry else "incomplete"
            details = IncompleteDetails(reason="max_completion_tokens")
            return "thread.run.incomplete", self._set(
                rid, status, incomplete_details=details, usage=usage
            )
        return "thread.run.completed", self._set(
            rid, "completed", usage=usage, completed_at=int(time.time())
        )

    def _sse(self, events: Events, rid: str) -> StreamingResponse:
        async def body() -> Any:
            if self.junk_events:
                yield "event: thread.run.step.delta\ndata: 7\n\n"
                yield "event: ping\ndata: 0\n\n"
                yield 'event: thread.message.delta\ndata: ["not", "an", "object"]\n\n'
            for name, obj in events:
                data = obj if isinstance(obj, dict) else obj.wire()
                yield f"event: {name}\ndata: {json.dumps(data)}\n\n"
            if self.hang:
                await self._cancel_requested(rid).wait()
                cancelled = self._set(rid, "cancelled").wire()
                yield f"event: thread.run.cancelled\ndata: {json.dumps(cancelled)}\n\n"
            yield "event: done\ndata: [DONE]\n\n"

        return StreamingResponse(body(), media_type="text/event-stream")
