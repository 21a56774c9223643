"""`FakeOpenAI`: a scripted OpenAI-compatible server, as a dependency-free ASGI app."""

from __future__ import annotations

import asyncio
import inspect
import json
import socket
from collections import defaultdict, deque
from collections.abc import AsyncIterator, Awaitable, Callable, MutableMapping
from contextlib import AbstractContextManager, asynccontextmanager
from typing import Any, Literal, cast
from urllib.parse import parse_qsl

import httpx2
from openai import AsyncAzureOpenAI, AsyncOpenAI

from agentkit.exceptions import UserError
from agentkit.keep_alive import KEEP_ALIVE_SECONDS
from agentkit.testing.fake_openai.chat_wire import chat_chunks, chat_completion
from agentkit.testing.fake_openai.conversations import FakeConversations
from agentkit.testing.fake_openai.embeddings import FakeEmbeddings
from agentkit.testing.fake_openai.recorded import RecordedReply, send_recorded
from agentkit.testing.fake_openai.responses_wire import responses_events, responses_object
from agentkit.testing.fake_openai.script import FakeReply, FakeRequest, Script, ScriptResult
from agentkit.testing.fake_openai.threaded import serve_in_thread

__all__ = ["FakeConnectionDropped", "FakeOpenAI"]

Scope = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[MutableMapping[str, Any]]]
Send = Callable[[MutableMapping[str, Any]], Awaitable[None]]


class FakeConnectionDropped(httpx2.RemoteProtocolError):
    """Raised inside the app to abort the connection, as `FakeReply.drop_after` asks.

    Over real HTTP the server closes the socket; in process it reaches the client as the
    transport error a dropped connection would be.
    """


class FakeOpenAI:
    """An OpenAI-compatible server whose model is a script: for tests and benchmarks.

    Speaks ``POST …/responses`` and ``POST …/chat/completions`` (streamed and not, including
    Azure's ``/openai/deployments/{model}/…`` paths), ``GET …/responses/{id}``,
    ``POST …/embeddings`` (deterministic vectors: `embeddings`, a `FakeEmbeddings`), and the
    Conversations API (``…/conversations``: `conversations`, a `FakeConversations`). Responses
    are shaped to pass the openai SDK's strict validation. Every request is recorded in
    `requests`, so tests can assert what the server received.

    Args:
        script: a function (sync or async) from `FakeRequest` to a `FakeReply` or text, or a
            sequence of replies used in order. With none, use `push`; when nothing is left,
            the server answers 500.
        record: keep every request (in `requests`) and response (for ``GET …/responses/{id}``);
            turn it off for benchmarks and soaks, where memory must not grow.

    Example:
        ```python
        fake = FakeOpenAI([FakeReply.calls(FakeToolCall("add", {"a": 1})), "It is 1."])
        model = ResponsesModel("gpt-test", client=fake.client())
        ```
    """

    def __init__(self, script: Script | None = None, *, record: bool = True) -> None:
        self.record = record
        self.received = 0
        self.requests: list[FakeRequest] = []
        self.script_errors: list[BaseException] = []
        self._function: Callable[[FakeRequest], Any] | None = None
        self._queue: deque[ScriptResult] = deque()
        if callable(script):
            self._function = script
        elif script is not None:
            self._queue.extend(script)
        self._counters: defaultdict[str, int] = defaultdict(int)
        self._stored: dict[str, dict[str, Any]] = {}
        self.embeddings = FakeEmbeddings(record=record)
        self.conversations = FakeConversations(self.new_id)

    @property
    def bodies(self) -> list[dict[str, Any]]:
        """The JSON bodies received, in order."""
        return [dict(request.body) for request in self.requests]

    def push(self, *replies: ScriptResult) -> None:
        """Queue more replies (used when the script is a sequence, or there is none)."""
        self._queue.extend(replies)

    def new_id(self, prefix: str) -> str:
        """A deterministic id: ``resp_1``, ``call_1``, ``call_2``, ..."""
        self._counters[prefix] += 1
        return f"{prefix}_{self._counters[prefix]}"

    def client(self, **options: Any) -> AsyncOpenAI:
        """An `AsyncOpenAI` talking to this app in process (no sockets), strictly validating.

        Keyword arguments override the defaults (``base_url``, ``api_key``, ``max_retries=0``,
        ``http_client``, ``_strict_response_validation=True``).
        """
        settings: dict[str, Any] = {
            "base_url": "http://fake/v1",
            "api_key": "test",
            "max_retries": 0,
            "_strict_response_validation": True,
            "http_client": httpx2.AsyncClient(transport=httpx2.ASGITransport(app=self)),
            **options,
        }
        return AsyncOpenAI(**settings)

    def azure_client(self, api_version: str = "2025-04-01-preview", **options: Any) -> AsyncOpenAI:
        """An `AsyncAzureOpenAI` talking to this app in process, like `client`."""
        settings: dict[str, Any] = {
            "azure_endpoint": "http://fake",
            "api_version": api_version,
            "api_key": "test",
            "max_retries": 0,
            "_strict_response_validation": True,
            "http_client": httpx2.AsyncClient(transport=httpx2.ASGITransport(app=self)),
            **options,
        }
        return AsyncAzureOpenAI(**settings)

    @asynccontextmanager
    async def serve(self, host: str = "127.0.0.1", port: int = 0) -> AsyncIterator[str]:
        """Serve this app over real HTTP with uvicorn; yields the base URL (``…/v1``)."""
        try:
            import uvicorn
        except ImportError as exc:  # pragma: no cover - uvicorn ships with the server extra
            raise UserError(
                "FakeOpenAI.serve needs uvicorn: pip install 'agentkit-assistants[server]'"
            ) from exc
        # IPPROTO_TCP (not 0) so that asyncio sets TCP_NODELAY on accepted connections;
        # without it every response waits ~40 ms for delayed ACKs.
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host, port))
        config = uvicorn.Config(
            self,
            log_level="critical",
            lifespan="off",
            access_log=False,
            timeout_keep_alive=KEEP_ALIVE_SECONDS,
        )
        server = uvicorn.Server(config)
        # Listening before uvicorn starts means early connections wait in the backlog.
        sock.listen(128)
        task = asyncio.create_task(server.serve(sockets=[sock]), name="fake-openai-server")
        try:
            yield f"http://{host}:{sock.getsockname()[1]}/v1"
        finally:
            # Leaving the block means the test is done: do not wait for slow scripted replies.
            server.should_exit = server.force_exit = True
            await task
            # A forced exit leaves the replies in flight running: end them, so the block
            # leaves no task of the server behind.
            replies = set(server.server_state.tasks)
            for reply in replies:
                reply.cancel()
            await asyncio.gather(*replies, return_exceptions=True)
            sock.close()

    def serve_in_thread(self, host: str = "127.0.0.1") -> AbstractContextManager[str]:
        """`serve`, from a thread of its own, for code without a loop (``agent.run_sync``).

        ``with fake.serve_in_thread() as url:`` yields the base URL (``…/v1``).
        """
        return serve_in_thread(self, host)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await _lifespan(receive, send)
            return
        if scope["type"] != "http":
            return
        body = await _read_body(receive)
        method, path = scope["method"], scope["path"]
        if method == "GET" and "/responses/" in path:
            stored = self._stored.get(path.rsplit("/", 1)[-1])
            if stored is None:
                await _send_error(send, 404, "No response with that id.", "not_found", {})
            else:
                await _send_json(send, 200, stored)
            return
        if method == "POST" and path.endswith("/embeddings"):
            await _send_json(send, *self.embeddings.answer(body))
            return
        if "/conversations" in path:
            await _send_json(send, *self.conversations.answer(method, path, _query(scope), body))
            return
        api = _api_for(method, path)
        if api is None:
            await _send_error(send, 404, f"FakeOpenAI does not serve {method} {path}.", None, {})
            return
        try:
            parsed = json.loads(body or b"{}")
        except json.JSONDecodeError:
            await _send_error(send, 400, "The body is not JSON.", "invalid_json", {})
            return
        if api == "responses" and (refused := self.conversations.refusal(parsed)) is not None:
            await _send_json(send, *refused)
            return
        request = self._record(api, scope, parsed)
        reply = await self._reply_for(request)
        await self._answer(request, reply, send)

    def _record(self, api: Literal["responses", "chat"], scope: Scope, body: Any) -> FakeRequest:
        headers = {k.decode("latin-1"): v.decode("latin-1") for k, v in scope["headers"]}
        body = body if isinstance(body, dict) else {"_": body}
        request = FakeRequest(
            api=api,
            index=self.received,
            method=scope["method"],
            path=scope["path"],
            query=_query(scope),
            headers=headers,
            body=body,
            context=self.conversations.context(body) if api == "responses" else (),
        )
        self.received += 1
        if self.record:
            self.requests.append(request)
        return request

    async def _reply_for(self, request: FakeRequest) -> FakeReply | RecordedReply:
        try:
            if self._function is not None:
                result = self._function(request)
                if inspect.isawaitable(result):
                    result = await result
            elif self._queue:
                result = self._queue.popleft()
            else:
                message = f"FakeOpenAI: no reply left in the script for request #{request.index}."
                return FakeReply.error(500, message, code="script_exhausted")
        except Exception as exc:
            self.script_errors.append(exc)
            return FakeReply.error(
                500, f"FakeOpenAI: the script raised {exc!r}", code="script_error"
            )
        if isinstance(result, str):
            return FakeReply(text=result)
        return cast(FakeReply | RecordedReply, result)

    async def _answer(
        self, request: FakeRequest, reply: FakeReply | RecordedReply, send: Send
    ) -> None:
        if isinstance(reply, RecordedReply):
            await send_recorded(reply, stream=request.stream, send=send)
            return
        if reply.delay:
            await asyncio.sleep(reply.delay)
        if reply.status >= 400:
            await _send_error(
                send, reply.status, reply.error_message, reply.error_code, reply.headers
            )
            return
        if reply.drop_after is not None and not request.stream:
            raise FakeConnectionDropped("dropped before answering")
        usage = _usage(request, reply)
        if request.api == "responses":
            final = responses_object(reply, request.body, self.new_id, usage=usage)
            self.conversations.add_turn(request.body, final)
            if self.record:
                self._stored[final["id"]] = final
            stream: list[dict[str, Any] | str] = list(responses_events(final, reply))
        else:
            final = chat_completion(reply, request.body, self.new_id, usage=usage)
            stream = chat_chunks(final, reply, request.body)
        if not request.stream:
            await _send_json(send, 200, final, reply.headers)
            return
        await _send_stream(send, stream, reply, named_events=request.api == "responses")


def _api_for(method: str, path: str) -> Literal["responses", "chat"] | None:
    if method != "POST":
        return None
    if path.endswith("/chat/completions"):
        return "chat"
    if path.endswith("/responses"):
        return "responses"
    return None


def _query(scope: Scope) -> dict[str, str]:
    return dict(parse_qsl(scope.get("query_string", b"").decode("latin-1")))


def _usage(request: FakeRequest, reply: FakeReply) -> dict[str, int]:
    produced = len(reply.text or "") + sum(len(c.arguments_json) for c in reply.tool_calls)
    return {
        "input": reply.input_tokens
        if reply.input_tokens is not None
        else max(1, len(json.dumps(request.body)) // 4),
        "output": reply.output_tokens if reply.output_tokens is not None else produced // 4 + 1,
    }


async def _read_body(receive: Receive) -> bytes:
    chunks = []
    while True:
        message = await receive()
        chunks.append(message.get("body", b""))
        if not message.get("more_body"):
            return b"".join(chunks)


async def _lifespan(receive: Receive, send: Send) -> None:
    while True:
        message = await receive()
        if message["type"] == "lifespan.startup":
            await send({"type": "lifespan.startup.complete"})
        elif message["type"] == "lifespan.shutdown":
            await send({"type": "lifespan.shutdown.complete"})
            return


def _header_list(content_type: str, extra: Any) -> list[tuple[bytes, bytes]]:
    headers = [(b"content-type", content_type.encode())]
    headers += [(k.lower().encode(), str(v).encode()) for k, v in dict(extra).items()]
    return headers


async def _send_json(send: Send, status: int, data: Any, headers: Any = None) -> None:
    payload = json.dumps(data).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": _header_list("application/json", headers or {}),
        }
    )
    await send({"type": "http.response.body", "body": payload, "more_body": False})


async def _send_error(
    send: Send, status: int, message: str, code: str | None, headers: Any
) -> None:
    kind = "server_error" if status >= 500 else "invalid_request_error"
    error = {"message": message, "type": kind, "code": code, "param": None}
    await _send_json(send, status, {"error": error}, headers)


async def _send_stream(
    send: Send, events: list[dict[str, Any] | str], reply: FakeReply, *, named_events: bool
) -> None:
    await send(
        {
            "type": "http.response.start",
            "status": 200,
            "headers": _header_list(
                "text/event-stream", {"cache-control": "no-cache", **reply.headers}
            ),
        }
    )
    for number, event in enumerate(events):
        if reply.drop_after is not None and number >= reply.drop_after:
            raise FakeConnectionDropped(f"dropped after {number} events")
        if reply.cut_after is not None and number >= reply.cut_after:
            break
        if number and reply.event_delay:
            await asyncio.sleep(reply.event_delay)
        await send(
            {"type": "http.response.body", "body": _sse(event, named_events), "more_body": True}
        )
    await send({"type": "http.response.body", "body": b"", "more_body": False})


def _sse(event: dict[str, Any] | str, named: bool) -> bytes:
    if isinstance(event, str):
        return f"data: {event}\n\n".encode()
    data = json.dumps(event)
    if named and "type" in event:
        return f"event: {event['type']}\ndata: {data}\n\n".encode()
    return f"data: {data}\n\n".encode()
