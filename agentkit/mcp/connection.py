"""One MCP server as agentkit uses it: started lazily, shared, restarted after a crash.

The SDK's `mcp.Client` must be entered and left in one task (it holds anyio task groups),
so each connection has an owner task that enters it and waits; runs call the server from
their own tasks. A transport that fails ends the owner, never a caller. A connection
belongs to the event loop that started it: used from another loop, it starts afresh.

The server's tool list is read at every (re)start and again when the server says it
changed: the ``notifications/tools/list_changed`` notification on a 2025-11-25
connection, a ``subscriptions/listen`` stream on a 2026-07-28 one.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass, field
from importlib.metadata import PackageNotFoundError, version
from typing import Any, Literal

import anyio
import mcp_types
from mcp import Client, MCPError
from mcp.client.session import IncomingMessage, MessageHandlerFnT
from mcp_types.version import MODERN_PROTOCOL_VERSIONS

from agentkit.events import MCPServerRestartedEvent
from agentkit.exceptions import ToolsetError

__all__ = ["MCPConnection", "Mode", "agentkit_version"]

_log = logging.getLogger("agentkit.mcp")

Mode = Literal["auto", "legacy"]
Transport = Callable[[], AbstractAsyncContextManager[tuple[Any, Any]]]
OnTools = Callable[[Client, bool], Awaitable[None]]


@dataclass(eq=False)
class _Session:
    """One start of the server, owned by one task."""

    loop: asyncio.AbstractEventLoop
    scope: anyio.CancelScope = field(default_factory=anyio.CancelScope)
    ready: asyncio.Future[Client] | None = None
    task: asyncio.Task[None] | None = None
    stale: asyncio.Event = field(default_factory=asyncio.Event)
    broken: bool = False
    closing: bool = False
    failure: str | None = None

    @property
    def usable(self) -> bool:
        ready = self.ready
        return (
            not self.broken
            and ready is not None
            and ready.done()
            and not ready.cancelled()
            and ready.exception() is None
        )


class MCPConnection:
    """Starts, shares, restarts and stops one MCP server.

    Args:
        name: the server's name in messages and events.
        transport: opens the transport (a new one for every start).
        describe_end: says how the last transport ended (an exit status...).
        on_tools: reads the tool list, given the client: after every start, and (in the
            background: the flag is True) whenever the server says its tools changed.
        mode: ``auto`` negotiates the 2026-07-28 revision (falling back to the handshake of
            older servers); ``legacy`` speaks 2025-11-25.
        startup_timeout: seconds the server has to answer the first request.
    """

    def __init__(
        self,
        name: str,
        transport: Transport,
        *,
        describe_end: Callable[[], str],
        on_tools: OnTools,
        mode: Mode = "auto",
        startup_timeout: float = 30.0,
    ) -> None:
        self.name = name
        self.mode = mode
        self.startup_timeout = startup_timeout
        self.restarts = 0
        self._transport = transport
        self._describe_end = describe_end
        self._on_tools = on_tools
        self._session: _Session | None = None
        self._lock: tuple[asyncio.AbstractEventLoop, asyncio.Lock] | None = None

    @property
    def running(self) -> bool:
        """Whether the server is started and usable from the running event loop."""
        session = self._session
        return session is not None and session.loop is _loop() and session.usable

    async def client(self, emit: Callable[[Any], None] | None = None) -> Client:
        """The connected client: started if need be, restarted if it had stopped.

        A restart after a crash logs a warning and emits an `MCPServerRestartedEvent`.

        Raises:
            ToolsetError: the server did not start, or did not list its tools.
        """
        session = self._session
        if session is not None and session.loop is _loop() and session.usable:
            assert session.ready is not None
            return session.ready.result()
        async with self._lock_for_loop():
            return await self._start_if_needed(emit)

    async def aclose(self) -> None:
        """Stop the server (if this loop started it); the next use starts it again."""
        session, self._session = self._session, None
        if session is None or session.loop is not _loop() or session.task is None:
            return
        session.closing = True
        await self._finish(session)

    async def why_lost(self, wait: float = 2.0) -> str:
        """Why the connection ended, once its owner has stopped the server.

        Waits ``wait`` seconds at most for the owner, which knows the exit status.
        """
        session = self._session
        if session is not None and session.task is not None and session.loop is _loop():
            await asyncio.wait([session.task], timeout=wait)
            if session.failure is not None:
                return session.failure
        return self._describe_end()

    async def _start_if_needed(self, emit: Callable[[Any], None] | None) -> Client:
        old = self._session
        crashed = old is not None and old.loop is _loop()
        reason = ""
        if old is not None and crashed:
            if old.usable:
                assert old.ready is not None
                return old.ready.result()
            await self._finish(old)  # the process is reaped: its exit status is known
            reason = old.failure or self._describe_end()
        client = await self._start()
        if crashed:
            self.restarts += 1
            _log.warning("MCP server %r had stopped (%s); restarted it", self.name, reason)
            if emit is not None:
                emit(MCPServerRestartedEvent(self.name, reason, self.restarts))
        return client

    async def _start(self) -> Client:
        session = _Session(loop=_loop())
        session.ready = session.loop.create_future()
        self._session = session
        session.task = asyncio.create_task(self._own(session), name=f"agentkit-mcp:{self.name}")
        try:
            client = await asyncio.shield(session.ready)
            await self._on_tools(client, False)
        except BaseException as exc:
            self._session = None
            session.closing = True
            await self._finish(session)
            if isinstance(exc, ToolsetError | asyncio.CancelledError):
                raise
            detail = exc.error.message if isinstance(exc, MCPError) else f"{exc}"
            raise ToolsetError(
                f"MCP server {self.name!r} did not list its tools: {type(exc).__name__}: {detail}"
            ) from exc
        return client

    async def _own(self, session: _Session) -> None:
        """The owner task: enter the client, serve until stopped or broken, then leave it."""
        assert session.ready is not None
        timer = session.loop.call_later(self.startup_timeout, session.scope.cancel)
        try:
            with session.scope:
                async with Client(
                    _Watched(self._transport(), session),
                    mode=self.mode,
                    cache=None,
                    message_handler=_message_handler(session),
                    client_info=_CLIENT_INFO,
                ) as client:
                    timer.cancel()
                    session.ready.set_result(client)
                    await self._serve(client, session)
        except Exception as exc:  # the transport failed: record why; callers see it
            session.failure = _failure(exc, self._describe_end())
            _log.info("MCP server %r: connection ended: %s", self.name, session.failure)
        finally:
            timer.cancel()
            session.broken = True
            if not session.ready.done():
                session.ready.set_exception(self._start_error(session))

    def _start_error(self, session: _Session) -> ToolsetError:
        if session.closing:
            return ToolsetError(f"MCP server {self.name!r} was closed while starting")
        if session.failure is None and session.scope.cancelled_caught:
            return ToolsetError(
                f"MCP server {self.name!r} did not answer within {self.startup_timeout:g} "
                "seconds of starting (startup_timeout)"
            )
        return ToolsetError(
            f"MCP server {self.name!r} did not start: {session.failure or self._describe_end()}"
        )

    async def _serve(self, client: Client, session: _Session) -> None:
        async with anyio.create_task_group() as group:
            group.start_soon(self._refresh_tools, client, session)
            if client.protocol_version in MODERN_PROTOCOL_VERSIONS and _lists_changes(client):
                group.start_soon(self._listen, client, session)
            await anyio.sleep_forever()

    async def _refresh_tools(self, client: Client, session: _Session) -> None:
        while True:
            await session.stale.wait()
            session.stale.clear()
            try:
                await self._on_tools(client, True)
            except Exception as exc:  # keep the last list; the next change tries again
                _log.warning("MCP server %r: re-reading its tools failed: %s", self.name, exc)

    async def _listen(self, client: Client, session: _Session) -> None:
        try:
            async with client.listen(tools_list_changed=True) as subscription:
                # The stream has no replay: a change between the first listing and the
                # server's acknowledgment would be missed, so read the list once more.
                session.stale.set()
                async for _event in subscription:
                    session.stale.set()
        except Exception as exc:  # an older server, or the stream dropped: no more updates
            _log.info("MCP server %r: no tool-list updates: %s", self.name, exc)

    async def _finish(self, session: _Session) -> None:
        """Stop the session's owner and wait for it (the process is then reaped)."""
        session.scope.cancel()
        if session.task is not None:
            with contextlib.suppress(asyncio.CancelledError):
                await asyncio.shield(session.task)
        ready = session.ready
        if ready is not None and ready.done() and not ready.cancelled():
            ready.exception()  # seen: a failed start nobody awaited any more is no news

    def _lock_for_loop(self) -> asyncio.Lock:
        loop = _loop()
        if self._lock is None or self._lock[0] is not loop:
            self._lock = (loop, asyncio.Lock())
        return self._lock[1]


def _message_handler(session: _Session) -> MessageHandlerFnT:
    """The client's message handler: a 2025-11-25 tool-list change marks the list stale."""

    async def handle(message: IncomingMessage) -> None:
        if isinstance(message, mcp_types.ToolListChangedNotification):
            session.stale.set()

    return handle


class _Watched:
    """A transport whose read stream marks the session broken when it ends."""

    def __init__(self, transport: AbstractAsyncContextManager[tuple[Any, Any]], session: _Session):
        self._transport = transport
        self._session = session

    async def __aenter__(self) -> tuple[Any, Any]:
        read_stream, write_stream = await self._transport.__aenter__()
        return _WatchedReadStream(read_stream, self._session), write_stream

    async def __aexit__(self, *exc_info: Any) -> bool | None:
        return await self._transport.__aexit__(*exc_info)


class _WatchedReadStream:
    def __init__(self, stream: Any, session: _Session) -> None:
        self._stream = stream
        self._session = session

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)

    def _ended(self) -> None:
        self._session.broken = True
        self._session.scope.cancel()

    async def receive(self) -> Any:
        try:
            return await self._stream.receive()
        except (anyio.EndOfStream, anyio.ClosedResourceError, anyio.BrokenResourceError):
            self._ended()
            raise

    def __aiter__(self) -> _WatchedReadStream:
        return self

    async def __anext__(self) -> Any:
        try:
            return await self.receive()
        except anyio.EndOfStream:
            raise StopAsyncIteration from None

    async def aclose(self) -> None:
        await self._stream.aclose()

    async def __aenter__(self) -> _WatchedReadStream:
        await self._stream.__aenter__()
        return self

    async def __aexit__(self, *exc_info: Any) -> bool | None:
        result: bool | None = await self._stream.__aexit__(*exc_info)
        return result


def _lists_changes(client: Client) -> bool:
    tools = client.server_capabilities.tools
    return tools is not None and bool(tools.list_changed)


def _failure(exc: BaseException, ended: str) -> str:
    errors = exc.exceptions if isinstance(exc, BaseExceptionGroup) else (exc,)
    first = errors[0]
    if isinstance(first, BaseExceptionGroup):
        return _failure(first, ended)
    return f"{ended}: {type(first).__name__}: {first}"


def _loop() -> asyncio.AbstractEventLoop:
    return asyncio.get_running_loop()


def agentkit_version() -> str:
    """The installed agentkit's version, for the MCP peer's information."""
    try:
        return version("agentkit-assistants")
    except PackageNotFoundError:  # running from a source tree
        return "0"


_CLIENT_INFO = mcp_types.Implementation(name="agentkit", version=agentkit_version())
