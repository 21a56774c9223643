"""Shared helpers for adapter tests: tools, requests, and draining a model stream."""

from __future__ import annotations

from typing import Any

from agentkit.models import Model, ModelItem, ModelRequest, ModelStreamEvent, UserMessageItem
from agentkit.tools.definition import ToolDefinition

WEATHER = ToolDefinition(
    name="get_weather",
    description="Weather in a city.",
    parameters={
        "type": "object",
        "properties": {"city": {"type": "string"}},
        "required": ["city"],
        "additionalProperties": False,
    },
    strict=True,
)
TIME = ToolDefinition(name="get_time", parameters={"type": "object", "properties": {}})


def make_request(*items: ModelItem, **options: Any) -> ModelRequest:
    """A request with the given items (default: one user message) and options."""
    return ModelRequest(
        instructions=options.pop("instructions", "Be brief."),
        items=items or (UserMessageItem("Weather in Paris?"),),
        **options,
    )


async def collect(model: Model, request: ModelRequest) -> list[ModelStreamEvent]:
    """Every event of one model call."""
    return [event async for event in model.stream(request)]
