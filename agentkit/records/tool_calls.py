"""Tool calls as run steps show them: function calls, hosted tools' calls, approvals."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Annotated, Any, Literal, TypeAlias

from pydantic import Field

from agentkit.records.base import (
    ApiObject,
)

__all__ = [
    "CodeInterpreterCall",
    "CodeInterpreterImage",
    "CodeInterpreterImageOutput",
    "CodeInterpreterLogs",
    "CodeInterpreterOutput",
    "FileSearchCall",
    "FileSearchRankingOptions",
    "FileSearchResult",
    "FileSearchResultContent",
    "FunctionCall",
    "FunctionToolCall",
    "HostedCall",
    "SubRunLink",
    "ToolApproval",
    "ToolCallError",
]


class FunctionCall(ApiObject):
    """The function part of a tool call: name, arguments, and the output once known."""

    name: str
    arguments: str
    output: str | None = None


class ToolCallError(ApiObject):
    """Why a tool call failed (agentkit-only; the model saw ``function.output``)."""

    code: str
    message: str


class ToolApproval(ApiObject):
    """A decision on a call waiting for approval: an item of ``tool_approvals``.

    The shape of Azure AI Foundry's classic agents (``tool_call_id``, ``approve``,
    ``headers``), plus two agentkit fields. Build one with `approved` or `denied`.

    Attributes:
        tool_call_id: the call decided.
        approve: run the call (True) or not.
        reason: for a denial, what the model is told (agentkit-only).
        arguments: for an approval, the JSON object to run the call with instead of the
            model's arguments (agentkit-only).
        headers: Foundry's headers for an approved MCP call (kept, unused by agentkit).
    """

    tool_call_id: str
    approve: bool
    reason: str | None = None
    arguments: str | None = None
    headers: dict[str, str] | None = None

    @classmethod
    def approved(
        cls, tool_call_id: str, *, arguments: Mapping[str, Any] | str | None = None
    ) -> ToolApproval:
        """Run the call, with ``arguments`` (a dict, or a JSON string) if they are edited."""
        if arguments is not None and not isinstance(arguments, str):
            arguments = json.dumps(dict(arguments))
        return cls(tool_call_id=tool_call_id, approve=True, arguments=arguments)

    @classmethod
    def denied(cls, tool_call_id: str, reason: str = "") -> ToolApproval:
        """Do not run the call; the model is told so, with ``reason``."""
        return cls(tool_call_id=tool_call_id, approve=False, reason=reason or None)


class SubRunLink(ApiObject):
    """The run a call of an agent used as a tool started (agentkit-only).

    Attributes:
        run_id: the sub-agent's run.
        thread_id: its thread (a new one for each call).
        assistant_id: the sub-agent.
    """

    run_id: str
    thread_id: str
    assistant_id: str


class CodeInterpreterLogs(ApiObject):
    """Text the code printed (stdout, stderr, results, tracebacks)."""

    type: Literal["logs"] = "logs"
    logs: str


class CodeInterpreterImage(ApiObject):
    """The file of an image the code drew."""

    file_id: str


class CodeInterpreterImageOutput(ApiObject):
    """An image the code displayed or saved, stored as a file."""

    type: Literal["image"] = "image"
    image: CodeInterpreterImage


CodeInterpreterOutput = Annotated[
    CodeInterpreterLogs | CodeInterpreterImageOutput, Field(discriminator="type")
]


class CodeInterpreterCall(ApiObject):
    """A ``code_interpreter`` tool call as a step shows it: the code and what it produced."""

    type: Literal["code_interpreter"] = "code_interpreter"
    input: str
    outputs: list[CodeInterpreterOutput] = Field(default_factory=list)


class FileSearchRankingOptions(ApiObject):
    """How a ``file_search`` call ranked its results, as its step shows it."""

    ranker: Literal["auto", "default_2024_08_21"] = "default_2024_08_21"
    score_threshold: float = 0.0


class FileSearchResultContent(ApiObject):
    """The text of a ``file_search`` result (shown only when a request ``include``s it)."""

    type: Literal["text"] = "text"
    text: str


_RESULT_PRIVATE = {"marker", "chunk_index", "token_start", "token_end"}


class FileSearchResult(ApiObject):
    """One result of a ``file_search`` call: a chunk of a file.

    Attributes:
        score: the relevance, from 0 to 1.
        marker: the citation marker the model was shown (``【0:1†paper.pdf】``); agentkit-only.
        chunk_index: the chunk's position in the file, from 0 (agentkit-only).
        token_start: the chunk's first token in the file's text (agentkit-only).
        token_end: one past the chunk's last token (agentkit-only).
    """

    file_id: str
    file_name: str
    score: float
    content: list[FileSearchResultContent] = Field(default_factory=list)
    marker: str = ""
    chunk_index: int = 0
    token_start: int = 0
    token_end: int = 0

    def wire(self) -> dict[str, Any]:
        return self.model_dump(mode="json", exclude=_RESULT_PRIVATE)


class FileSearchCall(ApiObject):
    """A ``file_search`` tool call as a step shows it: how it ranked and what it found.

    Attributes:
        query: what the model searched for (agentkit-only).
    """

    type: Literal["file_search"] = "file_search"
    ranking_options: FileSearchRankingOptions = Field(default_factory=FileSearchRankingOptions)
    results: list[FileSearchResult] = Field(default_factory=list)
    query: str = ""

    def wire(self) -> dict[str, Any]:
        return {
            "type": self.type,
            "ranking_options": self.ranking_options.wire(),
            "results": [result.wire() for result in self.results],
        }


HostedCall: TypeAlias = Annotated[CodeInterpreterCall | FileSearchCall, Field(discriminator="type")]
"""What a hosted tool's call shows in its step: ``code_interpreter`` or ``file_search``."""


class FunctionToolCall(ApiObject):
    """A tool call in a ``tool_calls`` step: the function call the model made, and its output.

    A hosted tool's call (the code interpreter) is a function call to the model too; its
    Assistants-API details are in ``hosted``, and `RunStep.wire` shows the call as the API
    does (``{"type": "code_interpreter", "code_interpreter": {...}}``).

    Attributes:
        error: set when the call failed; ``function.output`` holds what the model was told.
        duration_ms: how long the tool ran (agentkit-only).
        approval: the decision on a call that needed approval (agentkit-only).
        sub_run: the run of the agent this call ran as a tool (agentkit-only).
        hosted: a hosted tool's details of the call, or None for a function tool.
    """

    id: str
    type: Literal["function"] = "function"
    function: FunctionCall
    error: ToolCallError | None = None
    duration_ms: float | None = None
    approval: ToolApproval | None = None
    sub_run: SubRunLink | None = None
    hosted: HostedCall | None = None

    @property
    def kind(self) -> str:
        """The call's type on the wire: ``function``, or its hosted tool's."""
        return self.hosted.type if self.hosted is not None else "function"

    def wire(self) -> dict[str, Any]:
        """The call as a step shows it (agentkit-only fields dropped)."""
        if self.hosted is None:
            return self.model_dump(mode="json", exclude=set(_AGENTKIT_CALL_FIELDS))
        details = self.hosted.wire()
        del details["type"]
        return {"id": self.id, "type": self.hosted.type, self.hosted.type: details}


_AGENTKIT_CALL_FIELDS = ("error", "duration_ms", "approval", "sub_run", "hosted")
