"""MCP both ways: MCP servers as toolsets, and any toolset as an MCP server.

`MCPToolset` offers an MCP server's tools (a command over stdio, or a streamable-HTTP URL)
wherever a toolset goes. `mcp_server` turns a toolset into an MCP server, which
`serve_stdio` and `serve_http` run (the ``agentkit mcp serve`` command); `AgentTool` makes
an agent one tool, so an MCP client can call it. Needs the ``mcp`` extra (the official
SDK): ``pip install 'agentkit[mcp]'``.
"""

from agentkit.mcp.agent_tool import AgentTool
from agentkit.mcp.server import mcp_server, served_tool
from agentkit.mcp.serving import BearerKeyMiddleware, http_app, serve_http, serve_stdio
from agentkit.mcp.tool import MCPTool
from agentkit.mcp.toolset import STRICT_META_KEY, MCPToolset

__all__ = [
    "STRICT_META_KEY",
    "AgentTool",
    "BearerKeyMiddleware",
    "MCPTool",
    "MCPToolset",
    "http_app",
    "mcp_server",
    "serve_http",
    "serve_stdio",
    "served_tool",
]
