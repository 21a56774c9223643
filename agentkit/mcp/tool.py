"""One tool of an MCP server, as an agentkit `Tool`: every failure a model-visible error."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import mcp_types
from mcp import Client, MCPError
from pydantic import ValidationError

from agentkit.context import RunContext
from agentkit.exceptions import ToolExecutionError, ToolsetError, ToolTimeoutError
from agentkit.mcp.connection import MCPConnection
from agentkit.mcp.results import read_result
from agentkit.tools.base import Tool
from agentkit.tools.definition import ToolDefinition
from agentkit.tools.images import attach_image
from agentkit.tools.invocation import parse_arguments
from agentkit.tools.null_defaults import drop_defaulted_nulls
from agentkit.tools.schema import JsonSchema

__all__ = ["MCPTool"]

_log = logging.getLogger("agentkit.mcp")


class MCPTool(Tool):
    """A tool an MCP server offers, called through its toolset's connection.

    Its output is the result's text (`agentkit.mcp.results`), with the result's images
    attached for models that read them. An ``isError`` result, a server that fails or
    stops during the call, and a call past its timeout are tool errors the model reads.

    Attributes:
        remote_name: the name the server knows the tool by (the model's may differ).
        server_schema: the input schema exactly as the server sent it.
    """

    def __init__(
        self,
        connection: MCPConnection,
        remote: mcp_types.Tool,
        definition: ToolDefinition,
        *,
        timeout: float | None,
        max_image_bytes: int,
    ) -> None:
        self.remote_name = remote.name
        self.server_schema: JsonSchema = dict(remote.input_schema)
        self.timeout = timeout
        self._connection = connection
        self._definition = definition
        self._max_image_bytes = max_image_bytes

    @property
    def definition(self) -> ToolDefinition:
        return self._definition

    @property
    def source(self) -> str:
        return f"MCP server {self._connection.name!r} (tool {self.remote_name!r})"

    async def invoke(self, arguments: str, ctx: RunContext[Any] | None = None) -> str:
        data = parse_arguments(arguments, tool_name=self.name)
        if self.definition.strict:  # a null the model sent for "the default" is no value
            data = drop_defaulted_nulls(data, self.server_schema)
        # The (re)start of the server is bounded by its own startup_timeout, not the call's.
        client = await self._client(ctx)
        if self.timeout is None:
            result = await self._call(client, data)
        else:
            try:
                async with asyncio.timeout(self.timeout):
                    result = await self._call(client, data)
            except TimeoutError:
                raise ToolTimeoutError(
                    f"The tool {self.name!r} did not finish within {self.timeout:g} seconds.",
                    tool_name=self.name,
                    timeout=self.timeout,
                ) from None
        read = read_result(result, max_image_bytes=self._max_image_bytes)
        if result.is_error:  # the server wrote the text for the model; say it is an error once
            shown = read.text if read.text.lower().startswith("error") else f"Error: {read.text}"
            raise self._error(f"the tool reported an error: {read.text}", shown)
        for url in read.images:
            attach_image(ctx, url)
        return read.text

    async def _client(self, ctx: RunContext[Any] | None) -> Client:
        try:
            return await self._connection.client(ctx.emit if ctx is not None else None)
        except ToolsetError as exc:
            raise self._error(str(exc), f"Error: the tool is unavailable: {exc}") from exc

    async def _call(self, client: Client, arguments: dict[str, Any]) -> mcp_types.CallToolResult:
        server = self._connection.name
        try:
            return await client.call_tool(self.remote_name, arguments)
        except MCPError as exc:
            if exc.error.code == mcp_types.CONNECTION_CLOSED:
                why = await self._connection.why_lost()
                raise self._error(
                    f"the MCP server stopped during the call ({why})",
                    f"Error: the MCP server {server!r} stopped during the call ({why}); it "
                    "is started again for the next call.",
                ) from exc
            message = exc.error.message
            raise self._error(f"the MCP server answered: {message}", f"Error: {message}") from exc
        except ValidationError as exc:
            raise self._error(
                f"the MCP server sent a malformed result: {exc}",
                f"Error: the MCP server {server!r} sent a malformed result.",
            ) from exc
        except Exception as exc:  # a transport error the SDK let through
            _log.warning("MCP server %r: calling %r failed", server, self.name, exc_info=True)
            raise self._error(
                f"the call failed: {type(exc).__name__}: {exc}",
                f"Error: the MCP server {server!r} could not be reached ({type(exc).__name__}).",
            ) from exc

    def _error(self, message: str, model_text: str) -> ToolExecutionError:
        return ToolExecutionError(
            f"MCP tool {self.remote_name!r} of server {self._connection.name!r}: {message}",
            tool_name=self.name,
            model_text=model_text,
        )
