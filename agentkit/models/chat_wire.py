"""How a `ModelRequest` is written as a Chat Completions request body."""

from __future__ import annotations

from typing import Any, Literal, TypeAlias

from agentkit.exceptions import ModelError
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

__all__ = ["MaxTokensParam", "chat_messages", "chat_params", "chat_tool_choice"]

MaxTokensParam: TypeAlias = Literal["max_completion_tokens", "max_tokens"]


def chat_params(
    request: ModelRequest,
    *,
    model_name: str,
    max_tokens_param: MaxTokensParam,
) -> dict[str, Any]:
    """The keyword arguments for ``client.chat.completions.create`` (all but streaming)."""
    params: dict[str, Any] = {
        "model": model_name,
        "messages": chat_messages(request.instructions, request.items),
    }
    if request.tools:
        params["tools"] = [tool.to_chat() for tool in request.tools]
        params["tool_choice"] = chat_tool_choice(request.tool_choice)
        # OpenAI rejects parallel_tool_calls in a request without tools.
        if request.parallel_tool_calls is not None:
            params["parallel_tool_calls"] = request.parallel_tool_calls
    params.update(_settings(request.settings, max_tokens_param))
    return params


def chat_messages(instructions: str | None, items: tuple[ModelItem, ...]) -> list[dict[str, Any]]:
    """The conversation as chat messages.

    Consecutive tool calls become one assistant message with ``tool_calls``; a text answer
    directly before them from the same response becomes that message's content.
    """
    messages: list[dict[str, Any]] = []
    if instructions is not None:
        messages.append({"role": "system", "content": instructions})
    previous: ModelItem | None = None
    for item in items:
        match item:
            case UserMessageItem(text=text, parts=()):
                messages.append({"role": "user", "content": text})
            case UserMessageItem(parts=parts):
                messages.append({"role": "user", "content": [_content_part(p) for p in parts]})
            case AssistantMessageItem(text=text):
                messages.append({"role": "assistant", "content": text})
            case ToolCallItem():
                _append_call(messages, item, previous)
            case ToolOutputItem(call_id=call_id, output=output):
                messages.append({"role": "tool", "tool_call_id": call_id, "content": output})
        previous = item
    return messages


def _content_part(part: str | InputImage) -> dict[str, Any]:
    if isinstance(part, str):
        return {"type": "text", "text": part}
    if part.url is None:
        raise ModelError(
            f"Chat Completions takes images as URLs, and image file {part.file_id!r} was not "
            "turned into one: give agentkit's files to the run with ImageFilesMiddleware, "
            "or send the image as a URL or bytes (ImageURLContent)",
            code="invalid_image",
        )
    return {"type": "image_url", "image_url": {"url": part.url, "detail": part.detail}}


def _append_call(
    messages: list[dict[str, Any]], item: ToolCallItem, previous: ModelItem | None
) -> None:
    call = {
        "id": item.call_id,
        "type": "function",
        "function": {"name": item.name, "arguments": item.arguments},
    }
    if isinstance(previous, ToolCallItem):
        messages[-1]["tool_calls"].append(call)
    elif (
        isinstance(previous, AssistantMessageItem)
        and previous.response_id is not None
        and previous.response_id == item.response_id
    ):
        messages[-1]["tool_calls"] = [call]
    else:
        # null content (not "") is what the SDK itself sends back, so servers accept it.
        messages.append({"role": "assistant", "content": None, "tool_calls": [call]})


def chat_tool_choice(choice: ToolChoice) -> str | dict[str, Any]:
    """The canonical tool choice in the Chat Completions wire format."""
    match choice:
        case NamedToolChoice(name=name):
            return {"type": "function", "function": {"name": name}}
        case AllowedTools(names=names, mode=mode):
            return {
                "type": "allowed_tools",
                "allowed_tools": {
                    "mode": mode,
                    "tools": [{"type": "function", "function": {"name": name}} for name in names],
                },
            }
        case _:
            return choice


def _settings(settings: ModelSettings, max_tokens_param: MaxTokensParam) -> dict[str, Any]:
    params: dict[str, Any] = {}
    if settings.temperature is not None:
        params["temperature"] = settings.temperature
    if settings.top_p is not None:
        params["top_p"] = settings.top_p
    if settings.max_output_tokens is not None:
        params[max_tokens_param] = settings.max_output_tokens
    if settings.reasoning_effort is not None:
        params["reasoning_effort"] = settings.reasoning_effort
    if settings.extra_body:
        params["extra_body"] = dict(settings.extra_body)
    return params
