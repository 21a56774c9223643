"""Typed answers from servers without structured outputs: a ``final_answer`` tool.

A model whose ``structured_output`` is False (set on the adapter, never guessed) gets the
request's output format as one more function tool, ``final_answer``, whose parameters are
the output schema, and a tool choice that makes it call a tool every turn: one of its own,
or ``final_answer`` to answer. That call comes back as the answer's text (its arguments), so
the engine sees exactly what a structured-output server would have sent; the tool never
shows in the run's steps.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import replace

from agentkit.exceptions import UserError
from agentkit.models.base import Model
from agentkit.models.events import (
    ModelResponseDone,
    ModelStreamEvent,
    ModelTextDelta,
    ModelToolCall,
)
from agentkit.models.request import AllowedTools, ModelRequest, NamedToolChoice, ToolChoice
from agentkit.tools.definition import ToolDefinition
from agentkit.tools.output_type import OutputFormat

__all__ = ["ANSWER_TOOL_NAME", "answer_tool", "stream_answer", "with_answer_tool"]

ANSWER_TOOL_NAME = "final_answer"


def answer_tool(output: OutputFormat) -> ToolDefinition:
    """The tool the model calls, with the answer as its arguments."""
    description = "Give your final answer by calling this tool with the answer as its arguments."
    if output.description:
        description = f"{description} The answer: {output.description}"
    if output.type == "json_object" or output.schema is None:
        return ToolDefinition(ANSWER_TOOL_NAME, description, {"type": "object"}, strict=False)
    return ToolDefinition(ANSWER_TOOL_NAME, description, output.schema, strict=output.strict)


def with_answer_tool(request: ModelRequest) -> ModelRequest:
    """``request`` with its output format offered as the ``final_answer`` tool instead.

    Raises:
        UserError: the agent has a tool of its own named ``final_answer``.
    """
    assert request.output is not None
    if any(tool.name == ANSWER_TOOL_NAME for tool in request.tools):
        raise UserError(
            f"a tool is named {ANSWER_TOOL_NAME!r}, the name the typed answer takes on a model "
            "without structured outputs; rename the tool"
        )
    return replace(
        request,
        tools=(*request.tools, answer_tool(request.output)),
        tool_choice=_answering_choice(request.tool_choice),
        output=None,
    )


def _answering_choice(choice: ToolChoice) -> ToolChoice:
    """The tool choice that keeps the request's intent and makes every turn call a tool."""
    match choice:
        case "none":
            return NamedToolChoice(ANSWER_TOOL_NAME)
        case AllowedTools(names=names):
            return AllowedTools((*names, ANSWER_TOOL_NAME), "required")
        case NamedToolChoice():
            return choice
        case _:
            return "required"


def stream_answer(model: Model, request: ModelRequest) -> AsyncIterator[ModelStreamEvent]:
    """``model.stream(request)``, through the ``final_answer`` tool when the model needs it."""
    if request.output is None or model.structured_output:
        return model.stream(request)
    return _answers(model.stream(with_answer_tool(request)))


async def _answers(events: AsyncIterator[ModelStreamEvent]) -> AsyncIterator[ModelStreamEvent]:
    answered = False
    other_calls = False
    async for event in events:
        if isinstance(event, ModelToolCall) and event.name == ANSWER_TOOL_NAME:
            answered = True
            yield ModelTextDelta(event.arguments)
        elif isinstance(event, ModelResponseDone) and answered and not other_calls:
            yield replace(event, finish_reason="stop")
        else:
            other_calls = other_calls or isinstance(event, ModelToolCall)
            yield event
