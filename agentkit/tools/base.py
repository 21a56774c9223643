"""The interface every tool implements, whatever produced it."""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Any

from agentkit.context import RunContext
from agentkit.deprecation import warn_deprecated
from agentkit.tools.definition import ToolDefinition

__all__ = ["Tool"]


class Tool(ABC):
    """A tool the engine can call: a definition for the model, and `invoke`.

    Subclass it to wrap something that is not a Python function (an HTTP API, an MCP
    server). `@tool` produces `FunctionTool`, the common case.

    Attributes:
        timeout: seconds a call may take, or None for the agent's default.
        max_model_retries: failed calls in a row the model may retry before the run fails,
            or None for the agent's ``limits.max_model_retries``.
        retry: a `ToolRetry` policy retrying transient failures (`ToolRetryMiddleware`).
        idempotent: running a call twice has the same effect as once, so a call that was
            in flight when its process died is run again on recovery; otherwise the model
            is told it was ``interrupted`` (see the durability docs).
    """

    timeout: float | None = None
    max_model_retries: int | None = None
    retry: Any = None
    idempotent: bool = False

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if "max_retries" in vars(cls):
            warn_deprecated(f"{cls.__qualname__}.max_retries", "max_model_retries")
            cls.max_model_retries = vars(cls)["max_retries"]

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
