"""What one code interpreter call reports: the step's outputs, files, and the model's text.

The step gets the kernel's logs and one ``image`` output per image; images and other written
files are stored as files (``purpose="assistants_output"``); the model gets the logs cut to a
bound it can afford, with a note of what was displayed and written.
"""

from __future__ import annotations

import logging

from agentkit.code_interpreter.results import ExecutionResult
from agentkit.exceptions import AgentkitError, ToolArgumentsError, ToolError
from agentkit.files import Files
from agentkit.records import (
    CodeInterpreterCall,
    CodeInterpreterImage,
    CodeInterpreterImageOutput,
    CodeInterpreterLogs,
    CodeInterpreterOutput,
    FilePath,
    ImageFile,
    ImageFileContent,
)
from agentkit.tools.hosted import HostedResult, TextMarker

__all__ = ["Report", "arguments_error", "bounded"]

_log = logging.getLogger("agentkit.code_interpreter")
_OUTPUT = "assistants_output"


def bounded(text: str, limit: int) -> str:
    """``text`` cut to about ``limit`` characters, keeping its head and tail, the cut marked."""
    if len(text) <= limit:
        return text
    keep = max(limit - 80, 2) // 2
    cut = len(text) - 2 * keep
    return f"{text[:keep]}\n[... {cut} characters truncated ...]\n{text[-keep:]}"


def arguments_error(arguments: str, call_id: str | None) -> HostedResult:
    """The result of a call whose arguments are not ``{"code": "..."}``."""
    error = ToolArgumentsError(
        'The arguments must be a JSON object with a string "code".',
        tool_name="code_interpreter",
        call_id=call_id,
    )
    return HostedResult(error.model_message(), CodeInterpreterCall(input=arguments), error=error)


class Report:
    """Builds one call's `HostedResult` from what the kernel returned."""

    def __init__(self, call: CodeInterpreterCall, max_output_chars: int) -> None:
        self._call = call
        self._limit = max_output_chars
        self._logs = ""
        self._outputs: list[CodeInterpreterOutput] = []
        self._content: list[ImageFileContent] = []
        self._markers: list[TextMarker] = []
        self._notes: list[str] = []

    def note(self, line: str) -> None:
        """A line for the model (after the logs)."""
        self._notes.append(line)

    async def add_result(self, result: ExecutionResult, files: Files, *, restarted: bool) -> None:
        """Take in the kernel's result: logs, images and files (stored in ``files``)."""
        self._logs = result.logs
        if restarted:
            self.note("A new kernel was started for this call: earlier variables are gone.")
        if result.logs:
            self._outputs.append(CodeInterpreterLogs(logs=result.logs))
        for number, image in enumerate(result.images, 1):
            name = image.name or f"figure-{number}.png"
            stored = await self._store(files, image.png, name.rsplit("/", 1)[-1])
            if stored is None:
                continue
            self._outputs.append(
                CodeInterpreterImageOutput(image=CodeInterpreterImage(file_id=stored))
            )
            self._content.append(ImageFileContent(image_file=ImageFile(file_id=stored)))
            if image.name is not None:
                self._wrote(f"/mnt/data/{image.name}", stored)
            else:
                self.note("A figure was displayed to the user.")
        for written in result.files:
            try:
                data = written.read_bytes(files.max_bytes)
            except OSError:
                continue  # removed or replaced by the code since the call ended
            stored = await self._store(files, data, written.name.rsplit("/", 1)[-1])
            if stored is not None:
                self._wrote(written.sandbox_path, stored)

    def _wrote(self, path: str, file_id: str) -> None:
        self._markers.append(TextMarker(f"sandbox:{path}", FilePath(file_id=file_id)))
        self.note(f"Wrote {path}; link it as sandbox:{path}")

    async def _store(self, files: Files, data: bytes, name: str) -> str | None:
        try:
            return (await files.add(data, filename=name or "output", purpose=_OUTPUT)).id
        except AgentkitError as exc:
            self.note(f"{name} could not be kept: {exc}")
            _log.warning("a code interpreter output was not stored: %s", exc)
            return None

    def _record(self) -> CodeInterpreterCall:
        return self._call.model_copy(update={"outputs": list(self._outputs)})

    def _model_text(self) -> str:
        logs = bounded(self._logs, self._limit) if self._logs else "(no output)"
        return "\n".join([logs, *self._notes])

    def result(self) -> HostedResult:
        """The call's result: it ran (even if the code raised: the traceback is in the logs)."""
        return HostedResult(
            self._model_text(), self._record(), tuple(self._content), tuple(self._markers)
        )

    def failed(self, error: ToolError) -> HostedResult:
        """The call's result when the sandbox ended the kernel or could not run the code."""
        if self._logs:
            self.note(error.model_message())
            output = self._model_text()
        else:
            output = "\n".join([error.model_message(), *self._notes])
        return HostedResult(
            output, self._record(), tuple(self._content), tuple(self._markers), error
        )
