"""Calling a function tool: parse, validate, run (thread or coroutine), time out.

Sync functions run in agentkit's worker threads (`agentkit.tools.threads`), not in the loop's
default executor: that pool has ``min(32, cpus + 4)`` workers, so on a small machine parallel
tool calls would queue behind each other, and `asyncio.run` waits for its threads at exit, so
one hung tool would hang the program. A timed-out sync call cannot be killed: its thread
finishes the call and its result is discarded. Async functions are cancelled on timeout.
"""

from __future__ import annotations

import asyncio
import functools
import json
from collections.abc import Callable
from typing import Any

from pydantic import ValidationError

from agentkit.exceptions import (
    ModelRetry,
    ToolArgumentsError,
    ToolExecutionError,
    ToolTimeoutError,
    ToolValidationError,
)
from agentkit.tools.signature import KWARGS_FIELD, ArgumentsSignature
from agentkit.tools.threads import run_in_thread

__all__ = ["bind_arguments", "call_function", "parse_arguments"]


def parse_arguments(arguments: str, *, tool_name: str) -> dict[str, Any]:
    """Parse the model's arguments string into a JSON object (an empty string means ``{}``).

    Raises:
        ToolArgumentsError: not JSON, or JSON but not an object.
    """
    if not arguments.strip():
        return {}
    try:
        data = json.loads(arguments)
    except json.JSONDecodeError as exc:
        raise ToolArgumentsError(
            f"The arguments for tool {tool_name!r} are not valid JSON ({exc.msg} at "
            f"position {exc.pos}). Send a JSON object.",
            tool_name=tool_name,
        ) from exc
    if not isinstance(data, dict):
        raise ToolArgumentsError(
            f"The arguments for tool {tool_name!r} must be a JSON object, "
            f"not {type(data).__name__}.",
            tool_name=tool_name,
        )
    return data


def bind_arguments(
    signature: ArgumentsSignature, data: dict[str, Any], *, tool_name: str
) -> tuple[list[Any], dict[str, Any]]:
    """Validate ``data`` and return the positional and keyword arguments for the call.

    Raises:
        ToolValidationError: listing every bad field and why.
    """
    known = signature.parameter_names
    payload = {k: v for k, v in data.items() if k in known}
    extras = {k: v for k, v in data.items() if k not in known}
    errors: list[tuple[str, str]] = []
    if extras and signature.var_keyword:
        payload[KWARGS_FIELD] = extras
    else:
        errors += [
            (k, "unexpected argument: the tool has no parameter with this name") for k in extras
        ]
    try:
        validated = signature.model.model_validate(payload)
    except ValidationError as exc:
        errors = [(_path(e["loc"]), e["msg"]) for e in exc.errors()] + errors
    if errors:
        raise ToolValidationError(_describe(tool_name, errors), tool_name=tool_name, errors=errors)
    args = [getattr(validated, name) for name in signature.positional]
    if signature.var_positional:
        args += getattr(validated, signature.var_positional)
    kwargs = {param: getattr(validated, name) for name, param in signature.keyword}
    if signature.var_keyword:
        kwargs.update(getattr(validated, signature.var_keyword))
    return args, kwargs


def _path(loc: tuple[int | str, ...]) -> str:
    parts = [str(p) for p in loc if p != KWARGS_FIELD]
    return ".".join(parts) or "(arguments)"


def _describe(tool_name: str, errors: list[tuple[str, str]]) -> str:
    lines = "\n".join(f"- {field}: {reason}" for field, reason in errors)
    return f"Invalid arguments for tool {tool_name!r}:\n{lines}\nFix these and call the tool again."


async def call_function(
    func: Callable[..., Any],
    args: list[Any],
    kwargs: dict[str, Any],
    *,
    is_async: bool,
    time_limit: float | None,
    tool_name: str,
    show_errors: bool,
) -> Any:
    """Run ``func`` (awaiting it, or in a worker thread) within ``time_limit`` seconds.

    Raises:
        ModelRetry: unchanged, when the function raised it.
        ToolExecutionError: the function raised anything else (the exception is ``__cause__``).
        ToolTimeoutError: the call took longer than ``time_limit``.
    """
    scope = asyncio.timeout(time_limit)
    try:
        async with scope:
            return await _guarded(func, args, kwargs, is_async, tool_name, show_errors)
    except TimeoutError:
        if not scope.expired():
            raise
        raise ToolTimeoutError(
            f"Tool {tool_name!r} did not finish within {time_limit} seconds.",
            tool_name=tool_name,
            timeout=time_limit or 0.0,
        ) from None


async def _guarded(
    func: Callable[..., Any],
    args: list[Any],
    kwargs: dict[str, Any],
    is_async: bool,
    tool_name: str,
    show_errors: bool,
) -> Any:
    try:
        if is_async:
            return await func(*args, **kwargs)
        call = functools.partial(func, *args, **kwargs)
        return await run_in_thread(call, name=f"agentkit-tool-{tool_name}")
    except ModelRetry:
        raise
    except Exception as exc:
        detail = f"{type(exc).__name__}: {exc}"
        model_text = f"Error: the tool {tool_name!r} failed: {detail}" if show_errors else None
        raise ToolExecutionError(
            f"Tool {tool_name!r} raised {detail}", tool_name=tool_name, model_text=model_text
        ) from exc
