"""What the model is told about a tool, and how that is written for each wire format."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from agentkit.exceptions import UserError

__all__ = ["TOOL_NAME_PATTERN", "ToolDefinition", "check_tool_name"]

TOOL_NAME_PATTERN = re.compile(r"^[a-zA-Z0-9_-]{1,64}$")


def check_tool_name(name: str, *, where: str) -> str:
    """Return ``name`` if the OpenAI APIs accept it as a function name, else raise `UserError`."""
    if not isinstance(name, str) or not TOOL_NAME_PATTERN.fullmatch(name):
        raise UserError(
            f"{where}: tool name {name!r} is invalid; use 1-64 characters from a-z, A-Z, 0-9, "
            "'_' and '-'"
        )
    return name


@dataclass(frozen=True, slots=True)
class ToolDefinition:
    """A function tool as the model sees it: name, description, JSON Schema, strictness.

    A bare `ToolDefinition` given to an agent is a tool without an implementation: when the
    model calls it, the run stops in ``requires_action`` until the caller submits the output.

    Attributes:
        name: the function name, ``^[a-zA-Z0-9_-]{1,64}$``.
        description: what the tool does, for the model.
        parameters: the JSON Schema of the arguments object, exactly as sent.
        strict: whether the API should enforce the schema (OpenAI structured outputs).
    """

    name: str
    description: str = ""
    parameters: dict[str, Any] = field(default_factory=lambda: {"type": "object", "properties": {}})
    strict: bool = False

    def __post_init__(self) -> None:
        check_tool_name(self.name, where="ToolDefinition")

    def to_chat(self) -> dict[str, Any]:
        """The nested shape used by Chat Completions and the Assistants API."""
        return {"type": "function", "function": self._function_body()}

    def to_assistants(self) -> dict[str, Any]:
        """The Assistants API shape (identical to Chat Completions)."""
        return self.to_chat()

    def to_responses(self) -> dict[str, Any]:
        """The flat shape used by the Responses API."""
        return {"type": "function", **self._function_body()}

    def _function_body(self) -> dict[str, Any]:
        body: dict[str, Any] = {"name": self.name}
        if self.description:
            body["description"] = self.description
        body["parameters"] = self.parameters
        body["strict"] = self.strict
        return body

    @classmethod
    def from_wire(cls, data: dict[str, Any]) -> ToolDefinition:
        """Read a definition in either wire shape (nested or flat)."""
        body = data.get("function", data)
        return cls(
            name=body["name"],
            description=body.get("description") or "",
            parameters=body.get("parameters") or {"type": "object", "properties": {}},
            strict=bool(body.get("strict") or False),
        )
