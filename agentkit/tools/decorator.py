"""``@tool``: a typed Python function becomes a `FunctionTool`."""

from __future__ import annotations

import copy
import dataclasses
import functools
import inspect
import warnings
from collections.abc import Callable
from typing import Any, Generic, ParamSpec, TypeVar, overload

from agentkit.context import RunContext
from agentkit.deprecation import warn_deprecated
from agentkit.exceptions import UserError
from agentkit.tools.base import Tool
from agentkit.tools.definition import ToolDefinition, check_tool_name
from agentkit.tools.docstrings import DocstringFormat, DocstringWarning, parse_docstring
from agentkit.tools.invocation import bind_arguments, call_function, parse_arguments
from agentkit.tools.null_defaults import drop_defaulted_nulls
from agentkit.tools.output import to_output
from agentkit.tools.retry import ToolRetry
from agentkit.tools.schema import JsonSchema
from agentkit.tools.signature import ArgumentsSignature, analyze_signature
from agentkit.tools.strict import StrictModeWarning, StrictSchemaError, to_strict_schema

__all__ = ["FunctionTool", "tool"]

P = ParamSpec("P")
R = TypeVar("R")


class FunctionTool(Tool, Generic[P, R]):
    """A Python function offered to the model as a tool; still callable as the function.

    Build it with `tool`. See that decorator for the options and the rules.

    Attributes:
        func: the wrapped function.
        show_errors: whether the model sees the text of exceptions the function raises.
    """

    # Set by functools.update_wrapper; declared so that type checkers know them.
    __name__: str
    __wrapped__: Callable[P, R]

    def __init__(
        self,
        func: Callable[P, R],
        *,
        name: str | None = None,
        description: str | None = None,
        strict: bool | None = None,
        docstring_format: DocstringFormat = "auto",
        timeout: float | None = None,
        max_model_retries: int | None = None,
        show_errors: bool = False,
        retry: ToolRetry | None = None,
        max_retries: int | None = None,
        idempotent: bool = False,
    ) -> None:
        if not callable(func):
            raise UserError(f"@tool needs a function, got {func!r}")
        self.func = func
        where = f"@tool on {_source(func)}"
        default_name = str(getattr(func, "__name__", ""))
        tool_name = check_tool_name(default_name if name is None else name, where=where)
        self.timeout = _check_timeout(timeout, where)
        if max_retries is not None:
            warn_deprecated("@tool(max_retries=...)", "@tool(max_model_retries=...)")
            max_model_retries = max_retries if max_model_retries is None else max_model_retries
        self.max_model_retries = _check_max_model_retries(max_model_retries, where)
        self.show_errors = show_errors
        self.retry = _check_retry(retry, where)
        self.idempotent = _check_idempotent(idempotent, where)
        self._is_async = inspect.iscoroutinefunction(func)
        try:
            docs = parse_docstring(func.__doc__, docstring_format)
        except ValueError as exc:
            raise UserError(f"{where}: {exc}") from None
        self._signature: ArgumentsSignature = analyze_signature(func, docs.params, where)
        _warn_undocumented(docs.params, self._signature, where)
        parameters, is_strict = _choose_schema(
            self._signature.schema, strict, where, self._signature.var_keyword_name
        )
        self._definition = ToolDefinition(
            name=tool_name,
            description=docs.description if description is None else description,
            parameters=parameters,
            strict=is_strict,
        )
        functools.update_wrapper(self, func)

    def __call__(self, *args: P.args, **kwargs: P.kwargs) -> R:
        """Call the original function directly (no validation, no thread, no timeout)."""
        return self.func(*args, **kwargs)

    def __repr__(self) -> str:
        return f"<FunctionTool {self.name!r} of {self.source}>"

    @property
    def definition(self) -> ToolDefinition:
        return self._definition

    @property
    def description(self) -> str:
        """What the model is told the tool does."""
        return self._definition.description

    @property
    def parameters(self) -> JsonSchema:
        """The JSON Schema of the arguments, exactly as sent to the model."""
        return self._definition.parameters

    @property
    def strict(self) -> bool:
        """Whether the API is asked to enforce the schema (OpenAI strict mode)."""
        return self._definition.strict

    @property
    def takes_context(self) -> bool:
        """Whether the function's first parameter is an injected `RunContext`."""
        return self._signature.takes_ctx

    @property
    def source(self) -> str:
        return _source(self.func)

    def with_name(self, name: str) -> FunctionTool[P, R]:
        """A copy offered to the model as ``name`` that calls the same function."""
        renamed = copy.copy(self)
        where = f"renaming {self.name!r} ({self.source})"
        renamed._definition = dataclasses.replace(
            self._definition, name=check_tool_name(name, where=where)
        )
        return renamed

    def to_chat(self) -> dict[str, Any]:
        """The nested definition for Chat Completions and the Assistants API."""
        return self._definition.to_chat()

    def to_assistants(self) -> dict[str, Any]:
        """The Assistants API definition (the nested shape)."""
        return self._definition.to_assistants()

    def to_responses(self) -> dict[str, Any]:
        """The flat definition for the Responses API."""
        return self._definition.to_responses()

    async def invoke(self, arguments: str, ctx: RunContext[Any] | None = None) -> str:
        """Validate the model's JSON ``arguments``, run the function, return its output string.

        Raises:
            ToolArgumentsError: ``arguments`` is not a JSON object.
            ToolValidationError: the arguments do not match the parameters (names each field).
            ToolExecutionError: the function raised (the exception is ``__cause__``).
            ToolTimeoutError: the call took longer than ``timeout``.
            ToolOutputError: the return value has no string or JSON form.
            ModelRetry: the function asked the model to retry; passed through unchanged.
            UserError: the function takes a `RunContext` and ``ctx`` is None.
        """
        data = parse_arguments(arguments, tool_name=self.name)
        data = drop_defaulted_nulls(data, self._signature.schema)
        args, kwargs = bind_arguments(self._signature, data, tool_name=self.name)
        if self._signature.takes_ctx:
            if ctx is None:
                raise UserError(f"tool {self.name!r} takes a RunContext; pass ctx= to invoke()")
            args.insert(0, ctx)
        result = await call_function(
            self.func,
            args,
            kwargs,
            is_async=self._is_async,
            time_limit=self.timeout,
            tool_name=self.name,
            show_errors=self.show_errors,
        )
        return to_output(result, tool_name=self.name)


def _source(func: Callable[..., Any]) -> str:
    module = getattr(func, "__module__", None) or "?"
    qualname = getattr(func, "__qualname__", None) or repr(func)
    return f"{module}:{qualname}"


def _check_timeout(timeout: float | None, where: str) -> float | None:
    if timeout is not None and not timeout > 0:
        raise UserError(f"{where}: timeout must be a positive number of seconds, got {timeout!r}")
    return timeout


def _check_retry(retry: ToolRetry | None, where: str) -> ToolRetry | None:
    if retry is not None and not isinstance(retry, ToolRetry):
        raise UserError(f"{where}: retry must be a ToolRetry, got {type(retry).__name__}")
    return retry


def _check_idempotent(value: bool, where: str) -> bool:
    if not isinstance(value, bool):
        raise UserError(f"{where}: idempotent must be True or False, got {value!r}")
    return value


def _check_max_model_retries(value: int | None, where: str) -> int | None:
    if value is not None and (not isinstance(value, int) or value < 0):
        raise UserError(f"{where}: max_model_retries must be an int >= 0, got {value!r}")
    return value


def _warn_undocumented(
    documented: dict[str, str], signature: ArgumentsSignature, where: str
) -> None:
    """Warn about docstring entries for parameters the function does not have (typos)."""
    unknown = [name for name in documented if name not in signature.all_names]
    if unknown:
        names = ", ".join(repr(name) for name in unknown)
        known = ", ".join(signature.all_names) or "none"
        warnings.warn(
            f"{where}: the docstring describes {names}, which the function does not take "
            f"(its parameters: {known}); the description is not sent to the model.",
            DocstringWarning,
            stacklevel=4,
        )


def _choose_schema(
    schema: JsonSchema, strict: bool | None, where: str, var_keyword: str | None
) -> tuple[JsonSchema, bool]:
    """Apply the ``strict`` setting: True must succeed, None falls back with a warning."""
    if strict is False:
        return schema, False
    try:
        return to_strict_schema(schema, var_keyword=var_keyword), True
    except StrictSchemaError as exc:
        if strict:
            raise UserError(
                f"{where}: strict=True, but {exc}. Use strict=False, or a closed type "
                "(a TypedDict or pydantic model) instead."
            ) from None
        warnings.warn(
            f"{where}: {exc}, so the tool is sent with strict=False. "
            "Pass strict=False to accept this without a warning.",
            StrictModeWarning,
            stacklevel=4,
        )
        return schema, False


@overload
def tool(func: Callable[P, R], /) -> FunctionTool[P, R]: ...


@overload
def tool(
    *,
    name: str | None = None,
    description: str | None = None,
    strict: bool | None = None,
    docstring_format: DocstringFormat = "auto",
    timeout: float | None = None,
    max_model_retries: int | None = None,
    show_errors: bool = False,
    retry: ToolRetry | None = None,
    max_retries: int | None = None,
    idempotent: bool = False,
) -> Callable[[Callable[P, R]], FunctionTool[P, R]]: ...


def tool(
    func: Callable[..., Any] | None = None,
    /,
    *,
    name: str | None = None,
    description: str | None = None,
    strict: bool | None = None,
    docstring_format: DocstringFormat = "auto",
    timeout: float | None = None,
    max_model_retries: int | None = None,
    show_errors: bool = False,
    retry: ToolRetry | None = None,
    max_retries: int | None = None,
    idempotent: bool = False,
) -> Any:
    """Turn a typed function (sync or async) into a tool the model can call.

    The schema comes from the type hints (via pydantic); the description and parameter
    descriptions from the docstring (Google, NumPy, reST or Epydoc, detected). A parameter's
    description is, by precedence: ``Field(description=...)``, then ``Annotated[T, "text"]``,
    then the docstring. A first parameter annotated `RunContext` is injected, never shown.

    Args:
        func: the function, when used bare as ``@tool``.
        name: the tool name (default: the function name), ``^[a-zA-Z0-9_-]{1,64}$``.
        description: overrides the docstring description.
        strict: True requires OpenAI strict mode (UserError if the schema cannot be strict);
            False never uses it; None (default) uses it whenever the schema allows, and
            otherwise warns (`StrictModeWarning`) and sends the tool non-strict.
        docstring_format: ``auto``, ``google``, ``numpy``, ``rest`` or ``epydoc``.
        timeout: seconds a call may take (None: the agent's default).
        max_model_retries: failed calls in a row the model may retry before the run fails
            (None: the agent's ``limits.max_model_retries``).
        show_errors: show the model ``ExcType: message`` when the function raises.
        retry: call the function again on the transient errors this `ToolRetry` names
            (only for idempotent tools; see `ToolRetryMiddleware`).
        max_retries: deprecated name of ``max_model_retries``.
        idempotent: calling the function twice with the same arguments does no more than
            calling it once (a lookup, an upsert). A call in flight when its process died is
            then run again on recovery; otherwise it is reported to the model as
            ``interrupted`` and not run again.

    Raises:
        UserError: bad name, misplaced `RunContext`, unsupported annotation, or strict=True
            with a schema strict mode cannot express; naming the function and parameter.
    """
    options: dict[str, Any] = {
        "name": name,
        "description": description,
        "strict": strict,
        "docstring_format": docstring_format,
        "timeout": timeout,
        "max_model_retries": max_model_retries,
        "max_retries": max_retries,
        "show_errors": show_errors,
        "retry": retry,
        "idempotent": idempotent,
    }
    if func is not None:
        return FunctionTool(func, **options)

    def decorate(f: Callable[..., Any]) -> FunctionTool[..., Any]:
        return FunctionTool(f, **options)

    return decorate
