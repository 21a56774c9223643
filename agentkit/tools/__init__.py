"""Function tools: ``@tool``, their schemas, strict mode, invocation and output rules."""

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
