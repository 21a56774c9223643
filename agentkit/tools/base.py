"""The interface every tool implements, whatever produced it."""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Any

from agentkit.context import RunContext
from agentkit.tools.definition import ToolDefinition

__all__ = ["Tool"]


class Tool(ABC):
    """A tool the engine can call: a definition for the model, and `invoke`.

    Subclass it to wrap something that is not a Python function (an HTTP API, an MCP
    server). `@tool` produces `FunctionTool`, the common case.

    Attributes:
        timeout: seconds a call may take, or None for the agent's default.
        max_retries: how many failed calls the model may retry in one run, or None for the
            agent's default.
        retry: a `ToolRetry` policy retrying transient failures (`ToolRetryMiddleware`).
    """

    timeout: float | None = None
    max_retries: int | None = None
    retry: Any = None

    @property
    @abstractmethod
    def definition(self) -> ToolDefinition:
        """What the model is told about this tool."""

    @property
    def name(self) -> str:
        """The tool's name."""
        return self.definition.name

    @property
    def source(self) -> str:
        """Where the tool comes from (``module:qualname``), for error messages."""
        return f"{type(self).__module__}:{type(self).__qualname__}"

    @abstractmethod
    async def invoke(self, arguments: str, ctx: RunContext[Any] | None = None) -> str:
        """Run the tool on the model's JSON arguments and return the output string.

        Raises:
            ToolError: a subclass saying what went wrong, with a model-readable message.
        """
