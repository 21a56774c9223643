"""An agent as one tool: the input becomes a user message, the final answer the output.

This is how ``agentkit mcp serve`` offers an agent to an MCP client such as an IDE: one
call is one run of the agent, on a new thread, driven by a runner the tool owns.
"""

from __future__ import annotations

import re
from typing import Any

from agentkit.agent import Agent
from agentkit.context import RunContext
from agentkit.exceptions import ToolExecutionError
from agentkit.runner import Runner
from agentkit.tools.base import Tool
from agentkit.tools.definition import ToolDefinition, check_tool_name
from agentkit.tools.invocation import parse_arguments

__all__ = ["AgentTool"]

_SCHEMA = {
    "type": "object",
    "properties": {"input": {"type": "string", "description": "The request for the agent."}},
    "required": ["input"],
    "additionalProperties": False,
}


class AgentTool(Tool):
    """Runs ``agent`` on its one argument, ``input``, and returns its final answer.

    Args:
        agent: the agent to run.
        name: the tool's name (default: the agent's name, made a valid tool name).
        description: what the tool does (default: the agent's description, else its
            instructions' first line).
        runner: runs the agent (default: an in-memory `Runner` of this tool's own).

    Raises:
        UserError: ``name`` is not a valid tool name.
    """

    def __init__(
        self,
        agent: Agent[Any],
        *,
        name: str | None = None,
        description: str | None = None,
        runner: Runner | None = None,
    ) -> None:
        self.agent = agent
        self.runner = runner or Runner()
        tool_name = name or re.sub(r"[^a-zA-Z0-9_-]+", "_", agent.name).strip("_")[:64]
        check_tool_name(tool_name or "agent", where=f"AgentTool({agent.name!r})")
        summary = agent.description or agent.instructions.strip().split("\n", 1)[0]
        self._definition = ToolDefinition(
            name=tool_name or "agent",
            description=description or summary or f"Ask the agent {agent.name!r}.",
            parameters=_SCHEMA,
            strict=True,
        )

    @property
    def definition(self) -> ToolDefinition:
        return self._definition

    @property
    def source(self) -> str:
        return f"AgentTool({self.agent.name!r})"

    async def invoke(self, arguments: str, ctx: RunContext[Any] | None = None) -> str:
        data = parse_arguments(arguments, tool_name=self.name)
        text = data.get("input")
        if not isinstance(text, str):
            raise ToolExecutionError(
                f"AgentTool {self.name!r}: 'input' must be a string",
                tool_name=self.name,
                model_text="Error: give the request as the string argument 'input'.",
            )
        result = await self.runner.run(self.agent, text)
        if result.status != "completed":
            error = result.run.last_error
            why = f": {error.message}" if error is not None else ""
            raise ToolExecutionError(
                f"AgentTool {self.name!r}: the run ended {result.status}{why}",
                tool_name=self.name,
                model_text=f"Error: the agent's run ended {result.status}{why}",
            )
        return result.output_text
