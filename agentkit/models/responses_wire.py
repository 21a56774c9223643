"""How a `ModelRequest` is written as a Responses API request body."""

from __future__ import annotations

from typing import Any, Literal, TypeAlias

from agentkit.models.request import (
    AllowedTools,
    AssistantMessageItem,
    InputImage,
    ModelItem,
    ModelRequest,
    ModelSettings,
    NamedToolChoice,
    ToolCallItem,
    ToolChoice,
    ToolOutputItem,
    UserMessageItem,
)
from agentkit.tools.output_type import OutputFormat

__all__ = [
    "Continuation",
    "responses_input",
    "responses_params",
    "responses_text_format",
    "responses_tool_choice",
]

Continuation: TypeAlias = Literal["previous_response_id", "replay", "conversation"]


def responses_params(
    request: ModelRequest,
    *,
    model_name: str,
    continuation: Continuation,
    store: bool | None,
    conversation: str | None = None,
) -> dict[str, Any]:
    """The keyword arguments for ``client.responses.create`` (everything but ``stream``).

    With ``continuation="conversation"``, ``conversation`` names the hosted conversation.
    """
    if continuation == "conversation":
        previous_id, items = None, _unseen_by_conversation(request.items)
    else:
        previous_id, items = _continue_from(request.items, continuation)
    params: dict[str, Any] = {"model": model_name, "input": responses_input(items)}
    # Instructions are never carried over from a previous response, so they go every time.
    if request.instructions is not None:
        params["instructions"] = request.instructions
    if previous_id is not None:
        params["previous_response_id"] = previous_id
    if continuation == "conversation":
        params["conversation"] = conversation
    if request.tools:
        params["tools"] = [tool.to_responses() for tool in request.tools]
        params["tool_choice"] = responses_tool_choice(request.tool_choice)
    if request.parallel_tool_calls is not None:
        params["parallel_tool_calls"] = request.parallel_tool_calls
    if request.output is not None:
        params["text"] = {"format": responses_text_format(request.output)}
    if store is not None:
        params["store"] = store
    params.update(_settings(request.settings))
    return params


def responses_input(items: tuple[ModelItem, ...] | list[ModelItem]) -> list[dict[str, Any]]:
    """Conversation items as Responses input items."""
    result: list[dict[str, Any]] = []
    for item in items:
        match item:
            case UserMessageItem(text=text, parts=()):
                result.append({"role": "user", "content": text})
            case UserMessageItem(parts=parts):
                result.append({"role": "user", "content": [_input_part(p) for p in parts]})
            case AssistantMessageItem(text=text):
                result.append({"role": "assistant", "content": text})
            case ToolCallItem(call_id=call_id, name=name, arguments=arguments):
                result.append(
                    {
                        "type": "function_call",
                        "call_id": call_id,
                        "name": name,
                        "arguments": arguments,
                    }
                )
            case ToolOutputItem(call_id=call_id, output=output, images=images):
                result.append(
                    {
                        "type": "function_call_output",
                        "call_id": call_id,
                        "output": _with_images(output, images) if images else output,
                    }
                )
    return result


def _with_images(output: str, images: tuple[str, ...]) -> list[dict[str, Any]]:
    """A tool output with attached images: its text, then each image."""
    parts: list[dict[str, Any]] = [{"type": "input_text", "text": output}]
    parts += [{"type": "input_image", "image_url": url} for url in images]
    return parts


def _input_part(part: str | InputImage) -> dict[str, Any]:
    if isinstance(part, str):
        return {"type": "input_text", "text": part}
    if part.url is not None:
        return {"type": "input_image", "image_url": part.url, "detail": part.detail}
    # A file of the API's own (OpenAI Files): agentkit's files were made data URLs before.
    return {"type": "input_image", "file_id": part.file_id, "detail": part.detail}


def responses_tool_choice(choice: ToolChoice) -> str | dict[str, Any]:
    """The canonical tool choice in the Responses wire format."""
    match choice:
        case NamedToolChoice(name=name):
            return {"type": "function", "name": name}
        case AllowedTools(names=names, mode=mode):
            return {
                "type": "allowed_tools",
                "mode": mode,
                "tools": [{"type": "function", "name": name} for name in names],
            }
        case _:
            return choice


def responses_text_format(output: OutputFormat) -> dict[str, Any]:
    """The answer format as the Responses API's ``text.format``."""
    if output.type == "json_object":
        return {"type": "json_object"}
    body: dict[str, Any] = {"type": "json_schema", "name": output.name}
    if output.description:
        body["description"] = output.description
    body["schema"] = output.schema or {"type": "object"}
    body["strict"] = output.strict
    return body


def _continue_from(
    items: tuple[ModelItem, ...], continuation: Continuation
) -> tuple[str | None, tuple[ModelItem, ...]]:
    """The previous response to continue from, and the items the server has not seen."""
    if continuation == "replay":
        return None, items
    for index in range(len(items) - 1, -1, -1):
        item = items[index]
        if isinstance(item, AssistantMessageItem | ToolCallItem) and item.response_id:
            return item.response_id, items[index + 1 :]
    return None, items


def _unseen_by_conversation(items: tuple[ModelItem, ...]) -> tuple[ModelItem, ...]:
    """The items after the model's last answer or call: the hosted conversation has the rest.

    The server adds each response's input and output to the conversation, so what it lacks
    is what came after the model last spoke: new user messages, and tool outputs.
    """
    for index in range(len(items) - 1, -1, -1):
        if isinstance(items[index], AssistantMessageItem | ToolCallItem):
            return items[index + 1 :]
    return items


def _settings(settings: ModelSettings) -> dict[str, Any]:
    params: dict[str, Any] = {}
    if settings.temperature is not None:
        params["temperature"] = settings.temperature
    if settings.top_p is not None:
        params["top_p"] = settings.top_p
    if settings.max_output_tokens is not None:
        params["max_output_tokens"] = settings.max_output_tokens
    if settings.reasoning_effort is not None:
        params["reasoning"] = {"effort": settings.reasoning_effort}
    if settings.extra_body:
        params["extra_body"] = dict(settings.extra_body)
    return params
