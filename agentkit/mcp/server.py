"""Any toolset as an MCP server: its tools, schemas and descriptions, called as agentkit calls them.

`mcp_server` builds the SDK's low-level `Server` over a toolset. Each tool is listed with
the definition the model would get (its strict schema, or its schema with ``strict``
false, marked so under `STRICT_META_KEY`); each call goes through `Tool.invoke`, which
validates the arguments and runs a sync function in a worker thread, never on the event
loop. A tool error is an ``isError`` result carrying the text a model would read; images a
tool attaches to its call (`agentkit.tools.images`) are image content.
"""

from __future__ import annotations

import json
import logging
from typing import Any

import mcp_types
from mcp.server import Server
from mcp.server.context import ServerRequestContext

from agentkit.context import RunContext
from agentkit.exceptions import ModelRetry, ToolError, UserError
from agentkit.mcp.connection import agentkit_version
from agentkit.mcp.toolset import STRICT_META_KEY
from agentkit.tools.base import Tool
from agentkit.tools.definition import ToolDefinition
from agentkit.tools.images import take_images
from agentkit.toolsets.base import Toolset, definition_of

__all__ = ["mcp_server", "served_tool"]

_log = logging.getLogger("agentkit.mcp")


def mcp_server(
    toolset: Toolset, *, name: str = "agentkit", instructions: str | None = None
) -> Server:
    """An MCP server offering ``toolset``'s tools; run it with `serve_stdio` or `serve_http`.

    The tools are read from the toolset at every request, so a toolset whose tools change
    is served as it is. Prepare the toolset first (`Toolset.prepare`).

    Raises:
        UserError: the toolset has a bare `ToolDefinition`, which nothing could answer.
    """
    _check_servable(toolset)

    async def list_tools(
        ctx: ServerRequestContext[Any], params: mcp_types.PaginatedRequestParams | None
    ) -> mcp_types.ListToolsResult:
        return mcp_types.ListToolsResult(
            tools=[served_tool(definition_of(t)) for t in toolset.tools() if isinstance(t, Tool)]
        )

    async def call_tool(
        ctx: ServerRequestContext[Any], params: mcp_types.CallToolRequestParams
    ) -> mcp_types.CallToolResult:
        return await _call(toolset, params.name, params.arguments or {}, ctx.request_id)

    def input_schema(tool_name: str) -> dict[str, Any] | None:
        found = toolset.get(tool_name)
        return None if found is None else definition_of(found).parameters

    return Server(
        name,
        version=agentkit_version(),
        instructions=instructions,
        get_tool_input_schema=input_schema,
        on_list_tools=list_tools,
        on_call_tool=call_tool,
    )


def served_tool(definition: ToolDefinition) -> mcp_types.Tool:
    """How an MCP server lists a tool the model would see as ``definition``."""
    return mcp_types.Tool(
        name=definition.name,
        description=definition.description or None,
        input_schema=definition.parameters,
        _meta=None if definition.strict else {STRICT_META_KEY: False},
    )


async def _call(
    toolset: Toolset, name: str, arguments: dict[str, Any], request_id: Any
) -> mcp_types.CallToolResult:
    tool = toolset.get(name)
    if not isinstance(tool, Tool):
        available = ", ".join(sorted(toolset.names()))
        return _error(f"Error: there is no tool named {name!r}. Available tools: {available}.")
    ctx: RunContext[None] = RunContext(deps=None, call_id=f"mcp_{request_id}", tool_name=name)
    try:
        output = await tool.invoke(json.dumps(arguments), ctx)
    except ToolError as exc:
        return _error(exc.model_message())
    except ModelRetry as signal:
        return _error(signal.hint)
    except Exception:  # a custom Tool broke its contract: the client learns nothing private
        _log.exception("tool %r raised outside the ToolError contract", name)
        return _error(f"Error: the tool {name!r} failed. Try a different approach.")
    content: list[mcp_types.ContentBlock] = [mcp_types.TextContent(type="text", text=output)]
    assert ctx.call_id is not None
    content += [_image(url) for url in take_images(ctx.state, ctx.call_id)]
    return mcp_types.CallToolResult(content=content)


def _image(url: str) -> mcp_types.ContentBlock:
    header, sep, data = url.partition(",")
    if url.startswith("data:") and sep and header.endswith(";base64"):
        mime = header[len("data:") : -len(";base64")] or "image/png"
        return mcp_types.ImageContent(type="image", data=data, mime_type=mime)
    return mcp_types.ResourceLink(type="resource_link", name="image", uri=url)


def _error(text: str) -> mcp_types.CallToolResult:
    return mcp_types.CallToolResult(
        content=[mcp_types.TextContent(type="text", text=text)], is_error=True
    )


def _check_servable(toolset: Toolset) -> None:
    bare = [t.name for t in toolset.tools() if isinstance(t, ToolDefinition)]
    if bare:
        raise UserError(
            f"cannot serve {bare} over MCP: a bare ToolDefinition has no implementation "
            "(its caller answers it in requires_action); give a tool function instead"
        )
