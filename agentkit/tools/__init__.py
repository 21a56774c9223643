"""Function tools: ``@tool``, their schemas, strict mode, invocation and output rules."""

import typing

from agentkit.exports import lazy_exports as _lazy_exports

if typing.TYPE_CHECKING:
    from agentkit.tools.base import Tool
    from agentkit.tools.decorator import FunctionTool, tool
    from agentkit.tools.definition import TOOL_NAME_PATTERN, ToolDefinition, check_tool_name
    from agentkit.tools.docstrings import (
        DocstringFormat,
        DocstringWarning,
        ParsedDocstring,
        parse_docstring,
    )
    from agentkit.tools.output import to_output
    from agentkit.tools.strict import (
        StrictModeWarning,
        StrictSchemaError,
        check_strict_schema,
        to_strict_schema,
    )

__all__ = [
    "TOOL_NAME_PATTERN",
    "DocstringFormat",
    "DocstringWarning",
    "FunctionTool",
    "ParsedDocstring",
    "StrictModeWarning",
    "StrictSchemaError",
    "Tool",
    "ToolDefinition",
    "check_strict_schema",
    "check_tool_name",
    "parse_docstring",
    "to_output",
    "to_strict_schema",
    "tool",
]

# Each name loads its module on first use (see `agentkit.exports`).
if not typing.TYPE_CHECKING:
    __getattr__, __dir__ = _lazy_exports(
        globals(),
        {
            "agentkit.tools.base": ["Tool"],
            "agentkit.tools.decorator": ["FunctionTool", "tool"],
            "agentkit.tools.definition": ["TOOL_NAME_PATTERN", "ToolDefinition", "check_tool_name"],
            "agentkit.tools.docstrings": [
                "DocstringFormat",
                "DocstringWarning",
                "ParsedDocstring",
                "parse_docstring",
            ],
            "agentkit.tools.output": ["to_output"],
            "agentkit.tools.strict": [
                "StrictModeWarning",
                "StrictSchemaError",
                "check_strict_schema",
                "to_strict_schema",
            ],
        },
    )
