"""`CodeInterpreter`: the ``code_interpreter`` tool, on a `KernelPool`, with files in and out.

To the model it is a function, ``code_interpreter(code)``. Each thread gets its own kernel,
so variables persist between calls; the thread's input files are put in ``/mnt/data`` before
the code runs. What the code produces becomes files (``purpose="assistants_output"``): every
image an ``image`` output of the step and an ``image_file`` part of the answer; every other
file written to ``/mnt/data`` a ``file_path`` annotation where the answer names its
``sandbox:/mnt/data/...`` path.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Sequence
from typing import Any

from agentkit.code_interpreter.errors import CodeInterpreterError
from agentkit.code_interpreter.inputs import thread_file_ids
from agentkit.code_interpreter.pool import KernelPool
from agentkit.code_interpreter.report import Report, arguments_error
from agentkit.code_interpreter.results import ExecutionResult
from agentkit.context import RunContext
from agentkit.exceptions import AgentkitError, NotFoundError, ToolExecutionError
from agentkit.files import Files
from agentkit.records import CodeInterpreterCall
from agentkit.stores.base import Store
from agentkit.tools.definition import ToolDefinition
from agentkit.tools.hosted import HostedResult, HostedTool

__all__ = ["DEFINITION", "CodeInterpreter"]

DEFINITION = ToolDefinition(
    name="code_interpreter",
    description=(
        "Run Python code in a stateful Jupyter kernel (variables persist between calls) and "
        "get back its printed output, results and errors. The working directory /mnt/data "
        "holds the user's files; write output files there and link them as "
        "sandbox:/mnt/data/<name>. Figures shown with matplotlib (plt.show()) are displayed "
        "to the user. numpy, pandas and matplotlib are installed; there is no internet access."
    ),
    parameters={
        "type": "object",
        "properties": {"code": {"type": "string", "description": "The Python code to run."}},
        "required": ["code"],
        "additionalProperties": False,
    },
    strict=True,
)


class CodeInterpreter(HostedTool):
    """Runs the model's Python in a sandboxed Jupyter kernel, one per thread.

    Args:
        files: where input files are read and output files (images, written files) stored.
        pool: the kernels (default: a new `KernelPool`, closed by `aclose`).
        file_ids: files every thread gets in ``/mnt/data`` (the assistant's
            ``tool_resources``); a thread's own resources and attachments are added.
        store: where the thread's resources and messages are read (default: ``files.store``
            when it is also a run `Store`, as `SQLiteStore` and `MemoryStore` are).
        max_output_chars: the most of the logs the model sees per call (head and tail, the
            cut marked); the step keeps the kernel's bounded logs.
        time_limit: seconds one call's code may run (default: the pool's ``limits.timeout``).
    """

    def __init__(
        self,
        *,
        files: Files,
        pool: KernelPool | None = None,
        file_ids: Sequence[str] = (),
        store: Store | None = None,
        max_output_chars: int = 20_000,
        time_limit: float | None = None,
    ) -> None:
        self.files = files
        self.pool = pool if pool is not None else KernelPool()
        self._owns_pool = pool is None
        self.file_ids = tuple(file_ids)
        self.store = store if store is not None else _as_store(files.store)
        self.max_output_chars = max_output_chars
        self.time_limit = time_limit
        seconds = time_limit if time_limit is not None else self.pool.limits.timeout
        self.timeout = seconds + 60.0  # the pool enforces it (and the kernel start's own)
        self._inputs: dict[str, set[str]] = {}  # session -> file ids put in its /mnt/data
        self._ran: set[str] = set()  # sessions whose kernel has run code

    @property
    def definition(self) -> ToolDefinition:
        return DEFINITION

    def pending(self, arguments: str) -> CodeInterpreterCall:
        return CodeInterpreterCall(input=_code_of(arguments) or arguments)

    async def run(self, arguments: str, ctx: RunContext[Any]) -> HostedResult:
        code = _code_of(arguments)
        if code is None:
            return arguments_error(arguments, ctx.call_id)
        session = ctx.thread_id or ctx.run_id or "default"
        report = Report(CodeInterpreterCall(input=code), self.max_output_chars)
        try:
            await self._put_inputs(session, ctx.thread_id, report)
            result = await self.pool.execute(session, code, time_limit=self.time_limit)
        except (CodeInterpreterError, AgentkitError) as exc:
            message = f"The code interpreter is unavailable: {exc}"
            return report.failed(_error(message, ctx.call_id))
        await report.add_result(result, self.files, restarted=self._restarted(session, result))
        if result.failure is not None:
            message = f"{result.failure.message} The kernel was restarted for the next call: "
            message += "variables are gone; files in /mnt/data are kept."
            return report.failed(_error(message, ctx.call_id))
        return report.result()

    def _restarted(self, session: str, result: ExecutionResult) -> bool:
        ran_before = session in self._ran
        self._ran.add(session)
        return ran_before and result.new_kernel

    async def _put_inputs(self, session: str, thread_id: str, report: Report) -> None:
        # Sessions the pool ended (idle) lost their /mnt/data; forgetting them also keeps
        # a long-lived server's bookkeeping bounded by its live sessions.
        for ended in [s for s in self._inputs if s not in self.pool and s != session]:
            del self._inputs[ended]
            self._ran.discard(ended)
        if session not in self.pool:
            self._inputs.pop(session, None)
        done = self._inputs.setdefault(session, set())
        for file_id in await thread_file_ids(self.store, thread_id, self.file_ids):
            if file_id in done:
                continue
            try:
                file = await self.files.get(file_id)
                content = await self.files.read(file_id)
            except NotFoundError:
                report.note(f"Input file {file_id} was not found; it is not in /mnt/data.")
                done.add(file_id)
                continue
            names = await self.pool.add_files(session, [(file.filename, content)])
            report.note(f"Input file: /mnt/data/{names[0]}")
            done.add(file_id)

    def with_file_ids(self, file_ids: Sequence[str]) -> CodeInterpreter:
        """The same tool (pool, sessions, files) giving every thread these files instead.

        ``agentkit serve`` uses one tool per project and a view per assistant.
        """
        view = copy.copy(self)
        view.file_ids = tuple(file_ids)
        view._owns_pool = False
        return view

    async def end_session(self, thread_id: str) -> bool:
        """End the thread's kernel and delete its ``/mnt/data`` (the thread was deleted)."""
        self._inputs.pop(thread_id, None)
        self._ran.discard(thread_id)
        return await self.pool.end_session(thread_id)

    async def aclose(self) -> None:
        """End the kernels, if the pool is this tool's own."""
        if self._owns_pool:
            await self.pool.aclose()


def _as_store(candidate: object) -> Store | None:
    return candidate if isinstance(candidate, Store) else None


def _code_of(arguments: str) -> str | None:
    try:
        data = json.loads(arguments)
    except ValueError:
        return None
    code = data.get("code") if isinstance(data, dict) else None
    return code if isinstance(code, str) else None


def _error(message: str, call_id: str | None) -> ToolExecutionError:
    return ToolExecutionError(
        message, tool_name="code_interpreter", call_id=call_id, model_text=f"Error: {message}"
    )
