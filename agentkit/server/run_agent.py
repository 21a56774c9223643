"""The agent behind a run: built from the run's own fields, so a paused run rebuilds it exactly.

A run's fields are the assistant's, overridden by the request (``model``, ``instructions``,
``tools``, ``tool_choice``...). Every function tool is a bare `ToolDefinition`: when the model
calls one, the run stops in ``requires_action`` for the client, as in the Assistants API;
except the tools the server runs itself (`ServerConfig.tools`), which may stop it for the
client's approval (``submit_tool_approval``) instead.
A ``code_interpreter`` tool is the server's `CodeInterpreter` and ``file_search`` its
`FileSearch` (given by the caller: they depend on the project, the assistant and the run).
A ``response_format`` of ``json_object`` or ``json_schema`` is sent upstream as given (the
schema is the client's, not rewritten), and the answer must be a JSON object.
"""

from __future__ import annotations

from typing import Any

from agentkit.agent import Agent
from agentkit.limits import RunLimits
from agentkit.middleware.image_files import ImageFilesMiddleware
from agentkit.models.images import ImageFileSource
from agentkit.models.request import ModelSettings, NamedToolChoice, ToolChoice
from agentkit.records import Run, TruncationStrategy
from agentkit.server.budget import TokenBudgetMiddleware
from agentkit.server.config import ServerConfig
from agentkit.server.schemas import RunOptions
from agentkit.server.setting_schemas import response_format_wire
from agentkit.tools.base import Tool
from agentkit.tools.definition import ToolDefinition
from agentkit.tools.output_type import OutputFormat, OutputType

__all__ = ["agent_for_run", "canonical_choice", "output_for", "run_fields"]


def run_fields(
    assistant: dict[str, Any], options: RunOptions, additional_instructions: str | None = None
) -> dict[str, Any]:
    """The new run's wire fields: the assistant's settings overridden by the request's."""
    instructions = options.instructions
    if instructions is None:
        instructions = assistant.get("instructions") or ""
    if additional_instructions:
        instructions = f"{instructions}\n\n{additional_instructions}".strip()
    tools = (
        [tool.model_dump(exclude_none=True) for tool in options.tools]
        if options.tools is not None
        else list(assistant.get("tools") or [])
    )
    truncation = options.truncation_strategy
    return {
        "model": options.model or assistant["model"],
        "instructions": instructions,
        "tools": tools,
        "temperature": _first(options.temperature, assistant.get("temperature")),
        "top_p": _first(options.top_p, assistant.get("top_p")),
        "max_prompt_tokens": options.max_prompt_tokens,
        "max_completion_tokens": options.max_completion_tokens,
        "truncation_strategy": truncation.model_dump() if truncation else {"type": "auto"},
        "tool_choice": _wire_choice(options),
        "parallel_tool_calls": options.parallel_tool_calls is not False,
        "response_format": _first(
            response_format_wire(options.response_format), assistant.get("response_format")
        )
        or "auto",
    }


def _first(*values: Any) -> Any:
    return next((value for value in values if value is not None), None)


def _wire_choice(options: RunOptions) -> Any:
    choice = options.tool_choice
    if choice is None:
        return "auto"
    if isinstance(choice, str):
        return choice
    return choice.model_dump(exclude_none=True)


def canonical_choice(choice: Any) -> ToolChoice:
    """The engine's tool choice for a wire ``tool_choice``.

    Naming ``code_interpreter`` or ``file_search`` forces that tool's function.
    """
    if choice in ("auto", "none", "required"):
        return choice  # type: ignore[no-any-return]
    if isinstance(choice, dict) and choice.get("type") in ("code_interpreter", "file_search"):
        return NamedToolChoice(str(choice["type"]))
    if isinstance(choice, dict) and choice.get("type") == "function":
        name = (choice.get("function") or {}).get("name")
        if isinstance(name, str) and name:
            return NamedToolChoice(name)
    return "auto"


def output_for(response_format: Any) -> OutputType[dict[str, Any]] | None:
    """The typed output a run's stored ``response_format`` asks for (None: text)."""
    if not isinstance(response_format, dict):
        return None  # "auto"
    kind = response_format.get("type")
    if kind == "json_object":
        return OutputType(dict[str, Any], format=OutputFormat(type="json_object"))
    if kind != "json_schema":
        return None  # "text"
    spec = response_format.get("json_schema") or {}
    output = OutputFormat(
        name=str(spec.get("name") or "output"),
        schema=spec.get("schema") or {"type": "object"},
        strict=bool(spec.get("strict")),
        description=str(spec.get("description") or ""),
    )
    return OutputType(dict[str, Any], format=output)


def agent_for_run(
    run: Run,
    *,
    name: str,
    config: ServerConfig,
    code_interpreter: Tool | None = None,
    file_search: Tool | None = None,
    image_files: ImageFileSource | None = None,
) -> Agent[None, Any]:
    """The agent that drives ``run`` (on creation and on every resume).

    A function tool named like one of ``config.tools`` is that tool, run by the server;
    ``code_interpreter`` and ``file_search`` are offered when the run's tools include them;
    images shown by file id are read from ``image_files``.
    """
    served = config.tools
    definitions: list[Tool | ToolDefinition] = []
    for tool in run.tools:
        if tool.get("type") == "function":
            definition = ToolDefinition.from_wire(tool)
            own = served.get(definition.name) if served is not None else None
            definitions.append(own or definition)
    kinds = {tool.get("type") for tool in run.tools}
    if code_interpreter is not None and "code_interpreter" in kinds:
        definitions.append(code_interpreter)
    if file_search is not None and "file_search" in kinds:
        definitions.append(file_search)
    return Agent(
        name=name or run.assistant_id,
        id=run.assistant_id,
        model=config.model_factory(run.model),
        instructions=run.instructions,
        tools=definitions,
        tool_choice=canonical_choice(run.tool_choice),
        parallel_tool_calls=None if run.parallel_tool_calls else False,
        settings=ModelSettings(temperature=run.temperature, top_p=run.top_p),
        middleware=[
            TokenBudgetMiddleware(run.max_prompt_tokens, run.max_completion_tokens),
            *([ImageFilesMiddleware(image_files)] if image_files is not None else []),
        ],
        limits=RunLimits(timeout=config.run_timeout, max_turns=config.max_turns),
        truncation=TruncationStrategy.model_validate(run.truncation_strategy.model_dump()),
        output_type=output_for(run.response_format),
    )
