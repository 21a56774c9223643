"""The stdio transport: an MCP server as a subprocess, one JSON-RPC message a line.

agentkit uses this instead of the SDK's ``stdio_client``, whose reader joins its line buffer
with every chunk it reads: a message of n bytes costs O(n²) time (a 50 MB tool result took
200 s of CPU). This reader is linear, refuses a message larger than ``max_message_bytes``
(the connection closes, saying why), and stops the server as the MCP lifecycle asks: close
its stdin, wait, then SIGTERM and SIGKILL its process group, so nothing it started is left.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
from collections.abc import AsyncIterator, Mapping, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import IO, Any

import anyio
import mcp_types
from anyio.streams.memory import MemoryObjectReceiveStream, MemoryObjectSendStream
from mcp.client.stdio import get_default_environment
from mcp.shared.message import SessionMessage

__all__ = ["ProcessStatus", "stdio_transport"]

_POLL_SECONDS = 0.01
_CHUNK = 1 << 16


@dataclass
class ProcessStatus:
    """What became of the server process, for error messages and restart events.

    Attributes:
        pid: the process id, once started.
        returncode: the exit status once it ended (negative: killed by that signal).
        problem: why agentkit closed the connection itself, if it did.
    """

    pid: int | None = None
    returncode: int | None = None
    problem: str | None = None

    def describe(self) -> str:
        """How the process ended, in words."""
        if self.problem is not None:
            return self.problem
        code = self.returncode
        if code is None:
            return "the server closed its output"
        if code < 0:
            return f"the process was killed by signal {-code}"
        return f"the process exited with status {code}"


@asynccontextmanager
async def stdio_transport(
    command: Sequence[str],
    *,
    status: ProcessStatus,
    env: Mapping[str, str] | None = None,
    cwd: str | os.PathLike[str] | None = None,
    stderr: IO[Any] | int | None = None,
    max_message_bytes: int = 64 * 1024 * 1024,
    grace: float = 2.0,
) -> AsyncIterator[tuple[Any, Any]]:
    """Start ``command`` and yield the (read, write) message streams the SDK's session uses.

    The server gets a minimal environment (``PATH``, ``HOME``...) plus ``env``, never the
    whole of this process's (which may hold API keys). Leaving the context stops it.

    Raises:
        OSError: the command could not be started.
    """
    process = await asyncio.create_subprocess_exec(
        *command,
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
        stderr=stderr,
        env={**get_default_environment(), **(env or {})},
        cwd=cwd,
        start_new_session=True,
        limit=max_message_bytes + 1,
    )
    status.pid = process.pid
    incoming, read_stream = anyio.create_memory_object_stream[SessionMessage | Exception](0)
    write_stream, outgoing = anyio.create_memory_object_stream[SessionMessage](0)
    try:
        async with anyio.create_task_group() as group:
            group.start_soon(_read_messages, process, incoming, status, max_message_bytes)
            group.start_soon(_write_messages, process, outgoing, incoming)
            try:
                yield read_stream, write_stream
            finally:
                with anyio.CancelScope(shield=True):
                    await _stop(process, 0.0 if status.problem else grace)
                group.cancel_scope.cancel()
    except BaseException:
        # Cancelled past the shield (a native task.cancel() at loop shutdown): never leave
        # the server running.
        if process.returncode is None:
            _signal_group(process, signal.SIGKILL)
        raise
    finally:
        status.returncode = process.returncode
        for stream in (incoming, read_stream, write_stream, outgoing):
            stream.close()


async def _read_messages(
    process: asyncio.subprocess.Process,
    sink: MemoryObjectSendStream[SessionMessage | Exception],
    status: ProcessStatus,
    limit: int,
) -> None:
    stdout = process.stdout
    assert stdout is not None
    async with sink:
        while True:
            try:
                line = await stdout.readuntil(b"\n")
            except asyncio.IncompleteReadError:  # end of output
                return
            except asyncio.LimitOverrunError:
                status.problem = f"the server sent a message larger than {limit} bytes"
                break
            if line.strip():
                try:
                    await sink.send(_parse(line))
                except (anyio.ClosedResourceError, anyio.BrokenResourceError):
                    break
    # Keep the pipe flowing so that the server can finish writing and be stopped.
    with contextlib.suppress(OSError, ValueError):
        while await stdout.read(_CHUNK):
            pass


def _parse(line: bytes) -> SessionMessage | Exception:
    try:
        return SessionMessage(mcp_types.jsonrpc_message_adapter.validate_json(line, by_name=False))
    except ValueError as exc:  # the session reports it; the connection stays up
        return exc


async def _write_messages(
    process: asyncio.subprocess.Process,
    source: MemoryObjectReceiveStream[SessionMessage],
    incoming: MemoryObjectSendStream[SessionMessage | Exception],
) -> None:
    stdin = process.stdin
    assert stdin is not None
    try:
        async with source:
            async for message in source:
                data = message.message.model_dump_json(by_alias=True, exclude_unset=True)
                stdin.write(data.encode() + b"\n")
                await stdin.drain()
    except (OSError, anyio.ClosedResourceError, anyio.BrokenResourceError):
        # The server stopped reading: end the session rather than leave a request waiting.
        await incoming.aclose()


async def _stop(process: asyncio.subprocess.Process, grace: float) -> None:
    """Close stdin and wait; then SIGTERM, then SIGKILL the process group."""
    if process.stdin is not None:
        process.stdin.close()
    if not await _exited(process, grace):
        _signal_group(process, signal.SIGTERM)
        if not await _exited(process, 2.0):
            _signal_group(process, signal.SIGKILL)
            await _exited(process, 2.0)
    # Whatever the server started in its session goes with it.
    _signal_group(process, signal.SIGKILL)
    if process.stdin is not None:
        with contextlib.suppress(OSError):
            await process.stdin.wait_closed()


async def _exited(process: asyncio.subprocess.Process, seconds: float) -> bool:
    # Polled: process.wait() also waits for the pipes, which a grandchild may hold open.
    deadline = asyncio.get_running_loop().time() + seconds
    while process.returncode is None:
        if asyncio.get_running_loop().time() >= deadline:
            return False
        await asyncio.sleep(_POLL_SECONDS)
    return True


def _signal_group(process: asyncio.subprocess.Process, signum: int) -> None:
    # The server leads its own session (start_new_session), so its pid is the group id.
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, signum)
