"""`HostedTool`: a tool whose calls the Assistants API shows as their own kind.

The code interpreter (and, next, file search) is a function tool to the model, like any
other: it calls ``code_interpreter(code)`` and gets an output string back. What a hosted tool
adds is how its call is recorded:

- the step shows the call as the API does (``{"type": "code_interpreter", ...}``): `pending`
  gives that record while the call runs, `HostedResult.call` when it is done;
- the assistant's next message gets the content the call produced (`HostedResult.content`:
  ``image_file`` parts) and annotations where its answer mentions what the call made
  (`HostedResult.markers`: ``file_path`` for ``sandbox:/mnt/data/...``, ``file_citation``).
"""

from __future__ import annotations

from abc import abstractmethod
from dataclasses import dataclass
from typing import Any

from agentkit.context import RunContext
from agentkit.exceptions import ToolError
from agentkit.records import FileCitation, FilePath, HostedCall, ImageFileContent
from agentkit.tools.base import Tool

__all__ = ["HostedResult", "HostedTool", "TextMarker"]


@dataclass(frozen=True, slots=True)
class TextMarker:
    """Where the assistant's answer contains ``text``, annotate it as pointing at ``target``.

    Attributes:
        text: the exact text to find (``sandbox:/mnt/data/report.csv``, ``【4:0†source】``).
        target: a `FilePath` (a ``file_path`` annotation) or a `FileCitation`.
    """

    text: str
    target: FilePath | FileCitation


@dataclass(frozen=True, slots=True)
class HostedResult:
    """How one hosted call went.

    Attributes:
        output: what the model sees as the call's output.
        call: the step's record of the call, complete (e.g. its logs and images).
        content: parts for the assistant's next message (``image_file``), in order.
        markers: annotations for that message's text.
        error: set when the call failed: the model sees its message, the step keeps ``call``.
    """

    output: str
    call: HostedCall
    content: tuple[ImageFileContent, ...] = ()
    markers: tuple[TextMarker, ...] = ()
    error: ToolError | None = None


class HostedTool(Tool):
    """A tool recorded in the Assistants API's own shape. Subclass it for a hosted tool.

    Implement `definition` (the function the model sees), `pending` and `run`. The engine
    calls `run` (through the ``wrap_tool_call`` middleware, which sees ``output``), records
    `HostedResult.call` on the step, streams it, and adds ``content`` and ``markers`` to the
    next assistant message of the run. A hosted call is always run by agentkit, never left
    to the caller in ``requires_action``.
    """

    @abstractmethod
    def pending(self, arguments: str) -> HostedCall:
        """The step's record of a call before it has run.

        ``arguments`` are the model's, as sent, possibly invalid: never raise.
        """

    @abstractmethod
    async def run(self, arguments: str, ctx: RunContext[Any]) -> HostedResult:
        """Run one call. Report failures in `HostedResult.error` rather than raising."""

    async def invoke(self, arguments: str, ctx: RunContext[Any] | None = None) -> str:
        """Run one call and return the output only (raising its error, if any)."""
        result = await self.run(arguments, ctx if ctx is not None else RunContext(deps=None))
        if result.error is not None:
            raise result.error
        return result.output
