"""Errors raised by agentkit, and the signals a tool may raise to talk to the model.

The tree::

    AgentkitError                     root: `except AgentkitError` catches everything below
    ├── UserError                     misuse, raised early (decoration, construction, bad call)
    │   └── FileTooLargeError         a file is larger than the files' size limit
    ├── ToolError                     one tool call failed; the model sees `model_message()`
    │   ├── ToolArgumentsError        the arguments were not a JSON object
    │   ├── ToolValidationError       the arguments did not match the schema (names each field)
    │   ├── UnknownToolError          the model named a tool the agent does not have
    │   ├── ToolExecutionError        the tool function raised
    │   ├── ToolTimeoutError          the tool did not finish within its timeout
    │   └── ToolOutputError           the return value could not be converted to a string
    ├── ModelError                    the model API failed (HTTP error, broken stream, bad reply)
    ├── UsageLimitExceeded            a usage limit was reached; the run ends ``incomplete``
    ├── RunError                      a run could not proceed as asked
    │   ├── NotFoundError             no thread, run, step or message with that id
    │   ├── ActiveRunError            the thread already has an active run
    │   ├── InvalidRunStateError      the run is not in a status that allows the operation
    │   ├── ToolOutputsMismatchError  submitted outputs do not cover the pending calls exactly once
    │   ├── ApprovalsMismatchError    submitted approvals do not decide the waiting calls once each
    │   └── OutputUnavailableError    ``result.output`` of a run that did not complete
    ├── StoreError                    the store's file is unusable (schema version, corruption)
    └── ToolsetError                  a toolset could not make its tools known (an MCP server
                                      did not start, or failed to list its tools)

Signals live outside the tree so that a broad ``except AgentkitError`` never swallows them:

    ModelRetry                        raised by a tool: "model, call me again; here is a hint"

``RetryTool``, its former name, still works (with a deprecation warning).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from agentkit.deprecation import moved_names
from agentkit.redaction import mask_credentials

if TYPE_CHECKING:
    from agentkit.records import Run

__all__ = [
    "ActiveRunError",
    "AgentkitError",
    "ApprovalsMismatchError",
    "FileTooLargeError",
    "InvalidRunStateError",
    "ModelError",
    "NotFoundError",
    "ModelRetry",
    "OutputUnavailableError",
    "RunError",
    "StoreError",
    "ToolArgumentsError",
    "ToolError",
    "ToolExecutionError",
    "ToolOutputError",
    "ToolOutputsMismatchError",
    "ToolTimeoutError",
    "ToolValidationError",
    "ToolsetError",
    "UnknownToolError",
    "UsageLimitExceeded",
    "UserError",
]


class AgentkitError(Exception):
    """Root of every error agentkit raises."""


class UserError(AgentkitError):
    """agentkit was used incorrectly; the message names the offending function or parameter."""


class FileTooLargeError(UserError):
    """A file being added is larger than the size limit (`agentkit.files.Files`).

    Attributes:
        limit: the limit in bytes.
    """

    def __init__(self, message: str, *, limit: int) -> None:
        super().__init__(message)
        self.limit = limit


class ToolError(AgentkitError):
    """A tool call failed.

    Attributes:
        tool_name: the tool the model called.
        call_id: the id of the call, when known.
    """

    code: str = "tool_error"

    def __init__(self, message: str, *, tool_name: str, call_id: str | None = None) -> None:
        super().__init__(message)
        self.tool_name = tool_name
        self.call_id = call_id

    def model_message(self) -> str:
        """The text sent to the model as this call's output."""
        return f"Error: {self}"


class ToolArgumentsError(ToolError):
    """The model's arguments were not valid JSON, or not a JSON object."""

    code = "invalid_json"


class ToolValidationError(ToolError):
    """The arguments were JSON but did not match the tool's schema.

    Attributes:
        errors: one ``(field path, reason)`` pair per problem, in pydantic's order.
    """

    code = "invalid_arguments"

    def __init__(
        self,
        message: str,
        *,
        tool_name: str,
        errors: list[tuple[str, str]],
        call_id: str | None = None,
    ) -> None:
        super().__init__(message, tool_name=tool_name, call_id=call_id)
        self.errors = errors


class UnknownToolError(ToolError):
    """The model called a tool that the agent does not offer.

    Attributes:
        available: the names the agent does offer, sorted.
    """

    code = "unknown_tool"

    def __init__(
        self, message: str, *, tool_name: str, available: list[str], call_id: str | None = None
    ) -> None:
        super().__init__(message, tool_name=tool_name, call_id=call_id)
        self.available = available


class ToolExecutionError(ToolError):
    """The tool function raised an exception (kept as ``__cause__``).

    The model sees a generic message unless the tool opted in to showing error details,
    because exception text can hold secrets.
    """

    code = "tool_raised"

    def __init__(
        self,
        message: str,
        *,
        tool_name: str,
        call_id: str | None = None,
        model_text: str | None = None,
    ) -> None:
        super().__init__(message, tool_name=tool_name, call_id=call_id)
        self._model_text = model_text

    def model_message(self) -> str:
        if self._model_text is not None:
            return self._model_text
        return f"Error: the tool {self.tool_name!r} failed. Try a different approach."


class ToolTimeoutError(ToolError):
    """The tool did not finish within its timeout.

    Attributes:
        timeout: the limit in seconds.
    """

    code = "tool_timeout"

    def __init__(
        self, message: str, *, tool_name: str, timeout: float, call_id: str | None = None
    ) -> None:
        super().__init__(message, tool_name=tool_name, call_id=call_id)
        self.timeout = timeout


class ToolOutputError(ToolError):
    """The tool returned a value that could not be converted to the output string."""

    code = "invalid_output"


class ModelError(AgentkitError):
    """The model API call failed.

    The message is masked of anything that looks like a credential (`mask_credentials`):
    upstream error texts sometimes echo the key they were sent.

    Attributes:
        code: a short machine-readable reason (``rate_limit_exceeded``, ``server_error``, ...).
        status_code: the HTTP status, when there was one.
        retryable: whether trying the same request again could succeed.
    """

    def __init__(
        self,
        message: str,
        *,
        code: str = "server_error",
        status_code: int | None = None,
        retryable: bool = False,
        retry_after: float | None = None,
    ) -> None:
        # The message often quotes the upstream's error text, which may echo a credential.
        super().__init__(mask_credentials(message))
        self.code = code
        self.status_code = status_code
        self.retryable = retryable
        self.retry_after = retry_after


class UsageLimitExceeded(AgentkitError):
    """Raised (by middleware) to end a run ``incomplete`` because a limit was reached.

    Attributes:
        reason: the ``incomplete_details.reason`` the run gets, e.g. ``max_tool_calls``.
    """

    def __init__(self, message: str, *, reason: str) -> None:
        super().__init__(message)
        self.reason = reason


class RunError(AgentkitError):
    """A run operation could not be carried out."""


class NotFoundError(RunError):
    """No object with the given id exists (or it belongs to someone else)."""


class ActiveRunError(RunError):
    """The thread already has a run that has not reached a terminal status."""


class InvalidRunStateError(RunError):
    """The run's status does not allow the requested operation."""


class ToolOutputsMismatchError(RunError):
    """Submitted tool outputs must cover every pending call id exactly once."""


class ApprovalsMismatchError(RunError):
    """Submitted approvals must decide every call waiting for approval exactly once."""


class OutputUnavailableError(RunError):
    """The run did not complete, so it has no output (``result.output``).

    Attributes:
        run: the run, with its status and ``last_error`` or ``incomplete_details``.
    """

    def __init__(self, message: str, *, run: Run) -> None:
        super().__init__(message)
        self.run = run


class StoreError(AgentkitError):
    """The store cannot be used (for example, its schema version is newer than this agentkit)."""


class ToolsetError(AgentkitError):
    """A toolset could not make its tools known before a run (`Toolset.prepare` failed).

    Raised to the caller before the run is created (or before a paused run resumes), so
    nothing is stored and the run can simply be started again.
    """


class ModelRetry(Exception):
    """Raised by a tool to ask the model to call it again, with a hint.

    The hint is sent to the model as the call's output; the failure counts against the
    tool's ``max_model_retries``.

    Example:
        ```python
        @tool
        def find_user(name: str) -> str:
            if name not in USERS:
                raise ModelRetry(f"No user {name!r}; known users: {sorted(USERS)}")
            return USERS[name]
        ```
    """

    def __init__(self, hint: str) -> None:
        super().__init__(hint)
        self.hint = hint


__getattr__ = moved_names(__name__, {"RetryTool": "agentkit.exceptions:ModelRetry"})
