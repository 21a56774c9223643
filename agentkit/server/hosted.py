"""The hosted tools behind ``agentkit serve``: ``{"type": "code_interpreter"}`` runs code.

One `KernelPool` serves every project (sessions are keyed by thread id, which are unique);
each project has its own `CodeInterpreter` (its files and store), and each run gets a view of
it with its assistant's ``tool_resources.code_interpreter.file_ids``. Without the
``code-interpreter`` extra installed, a call answers the model with what to install.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import structlog

from agentkit.context import RunContext
from agentkit.exceptions import ToolExecutionError
from agentkit.files import Files
from agentkit.records import CodeInterpreterCall
from agentkit.stores.assistants import AssistantsStore
from agentkit.tools.definition import ToolDefinition
from agentkit.tools.hosted import HostedResult, HostedTool

try:  # the code-interpreter extra (jupyter_client, pyzmq) is optional for the server
    from agentkit.code_interpreter import CodeInterpreter, KernelPool
except ImportError:  # pragma: no cover - exercised only without the extra
    CodeInterpreter = None  # type: ignore[assignment,misc]
    KernelPool = None  # type: ignore[assignment,misc]

if TYPE_CHECKING:
    from agentkit.code_interpreter import KernelPool as Pool

__all__ = ["HostedTools", "assistant_file_ids"]

_log = structlog.get_logger("agentkit.server")
_INSTALL = "pip install 'agentkit-assistants[code-interpreter]'"


def assistant_file_ids(assistant: dict[str, Any] | None) -> list[str]:
    """``tool_resources.code_interpreter.file_ids`` of an assistant record."""
    resources = (assistant or {}).get("tool_resources") or {}
    section = resources.get("code_interpreter") or {}
    return [i for i in section.get("file_ids") or [] if isinstance(i, str)]


class HostedTools:
    """The server's kernel pool and each project's code interpreter.

    Args:
        pool: a pool to use (not closed by `aclose`); default: a new one, closed by it.
    """

    def __init__(self, pool: Pool | None = None) -> None:
        self._owned = pool is None and KernelPool is not None
        self.pool: Pool | None = pool if pool is not None or KernelPool is None else KernelPool()
        self._tools: dict[str, HostedTool] = {}

    def code_interpreter(
        self, project: str, files: Files, store: AssistantsStore, file_ids: Sequence[str]
    ) -> HostedTool:
        """The project's code interpreter, giving threads the assistant's ``file_ids``."""
        if self.pool is None or CodeInterpreter is None:
            return _Unavailable()
        tool = self._tools.get(project)
        if not isinstance(tool, CodeInterpreter):
            tool = self._tools[project] = CodeInterpreter(files=files, pool=self.pool, store=store)
        return tool.with_file_ids(file_ids)

    async def end_thread(self, project: str, thread_id: str) -> None:
        """End the thread's kernel and its ``/mnt/data`` (the thread was deleted)."""
        tool = self._tools.get(project)
        if CodeInterpreter is not None and isinstance(tool, CodeInterpreter):
            await tool.end_session(thread_id)

    async def aclose(self) -> None:
        """End every kernel, if the pool is the server's own."""
        if self._owned and self.pool is not None:
            await self.pool.aclose()


class _Unavailable(HostedTool):
    """Stands in for the code interpreter where its extra is not installed."""

    @property
    def definition(self) -> ToolDefinition:
        return ToolDefinition(
            name="code_interpreter",
            description="Run Python code (not available on this server).",
            parameters={"type": "object", "properties": {"code": {"type": "string"}}},
        )

    def pending(self, arguments: str) -> CodeInterpreterCall:
        try:
            code = json.loads(arguments).get("code")
        except (ValueError, AttributeError):
            code = None
        return CodeInterpreterCall(input=code if isinstance(code, str) else arguments)

    async def run(self, arguments: str, ctx: RunContext[Any]) -> HostedResult:
        message = f"The code interpreter is not installed on this server ({_INSTALL})."
        _log.warning("a run called code_interpreter, which is not installed", fix=_INSTALL)
        error = ToolExecutionError(message, tool_name="code_interpreter", model_text=message)
        return HostedResult(message, self.pending(arguments), error=error)
