"""Find the agent a command runs: ``MODULE:AGENT`` or ``path/to/file.py:AGENT``."""

from __future__ import annotations

import importlib
import importlib.util
import inspect
import os
import sys
from pathlib import Path
from typing import Any

from agentkit.agent import Agent
from agentkit.exceptions import UserError

__all__ = ["a_or_an", "load_agent", "load_object"]


def load_agent(target: str) -> Agent[Any]:
    """Import the agent named by ``target``.

    ``target`` is ``package.module:name`` (imported with the current directory on
    ``sys.path``, as ``python -m`` would) or ``path/to/file.py:name`` (the file's directory goes
    on ``sys.path``, as ``python file.py`` would). ``name`` may be dotted, and may name an
    `Agent` or a function taking no arguments that returns one.

    Raises:
        UserError: the target is malformed, cannot be imported, or is not an agent.
    """
    value = load_object(target, what="AGENT")
    if not isinstance(value, Agent) and callable(value):
        if inspect.iscoroutinefunction(value):
            raise UserError(_async_factory(target))
        try:
            value = value()
        except Exception as exc:
            raise UserError(f"{target}() raised {type(exc).__name__}: {exc}") from exc
        if inspect.iscoroutine(value):  # e.g. an object whose __call__ is async
            value.close()  # never run: closing it spares the "never awaited" warning
            raise UserError(_async_factory(target))
    if not isinstance(value, Agent):
        kind = type(value).__name__
        raise UserError(f"{target!r} is {a_or_an(kind)} {kind}, not an agentkit Agent")
    return value


def _async_factory(target: str) -> str:
    return (
        f"{target!r} is an async function; name an Agent, or a plain (not async) "
        "function that returns one"
    )


def a_or_an(word: str) -> str:
    """The article for ``word`` (by its first letter, which is right for type names)."""
    return "an" if word[:1].lower() in "aeiou" else "a"


def load_object(target: str, *, what: str = "ATTR") -> Any:
    """The object ``MODULE:NAME`` or ``path/to/file.py:NAME`` names (``NAME`` may be dotted).

    Raises:
        UserError: the target is malformed, cannot be imported, or has no such attribute.
    """
    location, sep, attr = target.rpartition(":")
    if not sep or not location or not attr:
        raise UserError(f"{target!r} is not MODULE:{what} or path/to/file.py:{what}")
    value: Any = _import(location)
    for part in attr.split("."):
        if not hasattr(value, part):
            raise UserError(f"{location!r} has no attribute {attr!r}")
        value = getattr(value, part)
    return value


def _import(location: str) -> Any:
    try:
        if location.endswith(".py") or "/" in location or os.sep in location:
            return _import_file(Path(location))
        if "" not in sys.path and os.getcwd() not in sys.path:
            # Console scripts do not put the current directory on sys.path; users expect it.
            sys.path.insert(0, os.getcwd())
        return importlib.import_module(location)
    except UserError:
        raise
    except Exception as exc:  # the user's module failed: report it in one line
        raise UserError(f"cannot import {location!r}: {type(exc).__name__}: {exc}") from exc


def _import_file(path: Path) -> Any:
    if not path.is_file():
        raise UserError(f"no such file: {str(path)!r}")
    folder = str(path.resolve().parent)
    if folder not in sys.path:
        sys.path.insert(0, folder)
    name = f"_agentkit_cli_{path.stem}"
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None or spec.loader is None:
        raise UserError(f"cannot load {str(path)!r} as a Python module")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # pydantic and dataclasses resolve types through sys.modules
    spec.loader.exec_module(module)
    return module
