"""`MCPToolset`: the tools of an MCP server (a command over stdio, or a URL), as a toolset."""

from __future__ import annotations

import logging
import os
import re
import shlex
import warnings
from collections.abc import Mapping, Sequence
from contextlib import AbstractAsyncContextManager
from typing import IO, Any

import httpx2
import mcp_types
from mcp import Client

from agentkit.exceptions import ToolsetError, UserError
from agentkit.mcp.connection import MCPConnection, Mode
from agentkit.mcp.http import HTTPStatus, http_transport, public_url
from agentkit.mcp.schemas import Strictness, strictness
from agentkit.mcp.stdio import ProcessStatus, stdio_transport
from agentkit.mcp.tool import MCPTool
from agentkit.tools.definition import ToolDefinition
from agentkit.tools.strict import StrictModeWarning
from agentkit.toolsets.base import AnyTool, Toolset, check_unique_names

__all__ = ["STRICT_META_KEY", "MCPToolset"]

_log = logging.getLogger("agentkit.mcp")

STRICT_META_KEY = "agentkit/strict"
"""A tool's ``_meta`` key by which `agentkit mcp serve` says a tool is deliberately
non-strict; `MCPToolset` then sends it non-strict without a warning."""

_MAX_PAGES = 100
# What a tool name may not contain (agentkit.tools.definition.TOOL_NAME_PATTERN).
_NAME_CHARS = re.compile(r"[^a-zA-Z0-9_-]")


class MCPToolset(Toolset):
    """The tools of one MCP server, usable wherever a toolset is.

    Give a ``command`` to start a server over stdio, or a ``url`` for a streamable-HTTP
    server. The server starts when a run first needs it (`prepare`), is shared by every
    run of the runner, restarts on the next call after it crashed (the run gets an
    `MCPServerRestartedEvent`), and stops when the runner closes (or this toolset's
    ``async with`` ends). Tool schemas go through agentkit's strict pass
    (`agentkit.mcp.schemas`).

    Args:
        command: the server's command line (a list, or a string split like a shell would).
        url: the server's streamable-HTTP endpoint.
        headers: HTTP headers for every request (``Authorization``...).
        auth: an ``httpx2.Auth`` for HTTP servers.
        env: environment variables for a stdio server, on top of a minimal environment
            (``PATH``, ``HOME``...): the server does not see this process's other variables.
        cwd: the stdio server's working directory.
        stderr: where the stdio server's stderr goes (a file, ``subprocess.DEVNULL``...);
            by default, this process's stderr.
        name: the server's name in messages and events (default: from the command or URL).
        mode: ``auto`` for the current protocol revision (2026-07-28, stateless), falling
            back to the handshake of older servers; ``legacy`` for 2025-11-25.
        timeout: seconds each call may take (None: the agent's ``tool_timeout``).
        startup_timeout: seconds the server has to answer after it starts.
        strict: None: strict where lossless, else non-strict with a `StrictModeWarning`;
            False: never strict; True: every tool strict, or `ToolsetError`.
        max_message_bytes: the largest message read from the server (a larger result
            closes the connection, and the call fails saying why).
        max_image_bytes: the images of one call sent to the model, in total.

    Raises:
        UserError: not exactly one of ``command`` and ``url``, or a bad setting.
    """

    def __init__(
        self,
        command: str | Sequence[str] | None = None,
        *,
        url: str | None = None,
        headers: Mapping[str, str] | None = None,
        auth: httpx2.Auth | None = None,
        env: Mapping[str, str] | None = None,
        cwd: str | os.PathLike[str] | None = None,
        stderr: IO[Any] | int | None = None,
        name: str | None = None,
        mode: Mode = "auto",
        timeout: float | None = None,
        startup_timeout: float = 30.0,
        strict: bool | None = None,
        max_message_bytes: int = 128 * 1024 * 1024,
        max_image_bytes: int = 8 * 1024 * 1024,
    ) -> None:
        self._command = _command(command, url)
        self._url = url
        self._headers = dict(headers or {})
        self._auth = auth
        self._env = dict(env or {})
        self._cwd = cwd
        self._stderr = stderr
        _check_settings(mode, timeout, startup_timeout, max_message_bytes, max_image_bytes)
        self.name = name or _default_name(self._command, url)
        self.timeout = timeout
        self.strict = strict
        self._max_message_bytes = max_message_bytes
        self._max_image_bytes = max_image_bytes
        self._status: ProcessStatus | HTTPStatus = HTTPStatus()
        self._tools: tuple[MCPTool, ...] = ()
        self._listed = False
        self._warned: set[tuple[str, str]] = set()
        self.connection = MCPConnection(
            self.name,
            self._open,
            describe_end=self._describe_end,
            on_tools=self._read_tools,
            mode=mode,
            startup_timeout=startup_timeout,
        )

    def tools(self) -> Sequence[AnyTool]:
        return self._tools

    async def prepare(self) -> None:
        """Start the server and read its tools, the first time; later calls return at once."""
        if not self._listed:
            await self.connection.client()

    async def aclose(self) -> None:
        """Stop the server; its tools stay listed, and the next call starts it again."""
        await self.connection.aclose()

    async def __aenter__(self) -> MCPToolset:
        await self.prepare()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()

    def __repr__(self) -> str:
        return f"MCPToolset(name={self.name!r}, tools={self.names()!r})"

    def _open(self) -> AbstractAsyncContextManager[tuple[Any, Any]]:
        if self._url is not None:
            self._status = HTTPStatus()
            return http_transport(
                self._url,
                status=self._status,
                headers=self._headers,
                auth=self._auth,
                max_message_bytes=self._max_message_bytes,
            )
        self._status = ProcessStatus()
        return stdio_transport(
            self._command,
            status=self._status,
            env=self._env,
            cwd=self._cwd,
            stderr=self._stderr,
            max_message_bytes=self._max_message_bytes,
        )

    def _describe_end(self) -> str:
        return self._status.describe()

    async def _read_tools(self, client: Client, background: bool) -> None:
        listed: list[mcp_types.Tool] = []
        cursor: str | None = None
        for _ in range(_MAX_PAGES):
            page = await client.list_tools(cursor=cursor)
            listed.extend(page.tools)
            cursor = page.next_cursor
            if cursor is None:
                break
        tools = tuple(self._tool(remote, background) for remote in listed)
        check_unique_names(tools, hint=f" (MCP server {self.name!r})")
        self._tools = tools
        self._listed = True

    def _tool(self, remote: mcp_types.Tool, background: bool) -> MCPTool:
        name = _NAME_CHARS.sub("_", remote.name)[:64] or "tool"
        if name != remote.name:
            self._notice(
                remote.name,
                f"MCP server {self.name!r}: tool {remote.name!r} is offered to the model as "
                f"{name!r} (tool names allow 1-64 of a-z, A-Z, 0-9, '_' and '-')",
                UserWarning,
                background,
            )
        chosen = self._strictness(remote, background)
        definition = ToolDefinition(
            name=name,
            description=remote.description or remote.title or "",
            parameters=chosen.parameters,
            strict=chosen.strict,
        )
        return MCPTool(
            self.connection,
            remote,
            definition,
            timeout=self.timeout,
            max_image_bytes=self._max_image_bytes,
        )

    def _strictness(self, remote: mcp_types.Tool, background: bool) -> Strictness:
        schema = dict(remote.input_schema)
        if self.strict is False or (remote.meta or {}).get(STRICT_META_KEY) is False:
            return Strictness(schema, False)
        chosen = strictness(schema)
        if chosen.reason is not None:
            message = (
                f"MCP server {self.name!r}: tool {remote.name!r} is sent with strict=False, "
                f"its schema unchanged: {chosen.reason}"
            )
            if self.strict:
                raise ToolsetError(f"{message} (the toolset has strict=True)")
            self._notice(remote.name, message, StrictModeWarning, background)
        return chosen

    def _notice(self, tool: str, message: str, category: type[Warning], background: bool) -> None:
        """Warn once per tool and kind: as a warning when listing for a caller, else a log."""
        key = (tool, category.__name__)
        if key in self._warned:
            return
        self._warned.add(key)
        if background:  # a warning in the server's own task would reach nobody
            _log.warning("%s", message)
        else:
            warnings.warn(message, category, stacklevel=2)


def _command(command: str | Sequence[str] | None, url: str | None) -> tuple[str, ...]:
    if (command is None) == (url is None):
        raise UserError("MCPToolset: give exactly one of command (stdio) and url (HTTP)")
    if url is not None:
        if not url.startswith(("http://", "https://")):
            raise UserError(f"MCPToolset: url must be http:// or https://, got {url!r}")
        return ()
    parts = tuple(shlex.split(command) if isinstance(command, str) else command or ())
    if not parts or not all(isinstance(p, str) and p for p in parts):
        raise UserError(f"MCPToolset: command must be a non-empty command line, got {command!r}")
    return parts


def _check_settings(
    mode: str, timeout: float | None, startup: float, max_message: int, max_image: int
) -> None:
    if mode not in ("auto", "legacy"):
        raise UserError(f"MCPToolset: mode must be 'auto' or 'legacy', got {mode!r}")
    if timeout is not None and timeout <= 0:
        raise UserError("MCPToolset: timeout must be positive or None")
    if startup <= 0:
        raise UserError("MCPToolset: startup_timeout must be positive")
    if max_message < 1024 or max_image < 0:
        raise UserError("MCPToolset: max_message_bytes must be at least 1024, max_image_bytes 0+")


def _default_name(command: tuple[str, ...], url: str | None) -> str:
    if url is not None:
        return public_url(url)
    line = shlex.join(command)
    return line if len(line) <= 60 else line[:57] + "..."
