"""Deprecated names: old import paths and parameters that keep working, with a warning.

Every entry is listed in the changelog with its replacement and goes away in a later minor
release.
"""

from __future__ import annotations

import importlib
import warnings
from collections.abc import Callable, Mapping
from typing import Any

__all__ = ["moved_names", "warn_deprecated"]


def warn_deprecated(old: str, new: str, *, stacklevel: int = 3) -> None:
    """Warn that ``old`` is deprecated in favour of ``new``."""
    warnings.warn(f"{old} is deprecated; use {new}", DeprecationWarning, stacklevel=stacklevel)


def moved_names(old_module: str, new_homes: Mapping[str, str]) -> Callable[[str], Any]:
    """A module ``__getattr__`` serving names that moved or were renamed.

    ``new_homes`` maps an old name to its new home: ``"module"`` (same name there) or
    ``"module:NewName"``; the key ``"*"`` stands for every name.
    """

    def __getattr__(name: str) -> Any:
        home = new_homes.get(name) or new_homes.get("*")
        if home is None or name.startswith("__"):
            raise AttributeError(f"module {old_module!r} has no attribute {name!r}")
        module, _, new_name = home.partition(":")
        value = getattr(importlib.import_module(module), new_name or name)
        warn_deprecated(f"{old_module}.{name}", f"{module}.{new_name or name}")
        return value

    return __getattr__
