"""Package namespaces whose names load on first use (PEP 562).

A package ``__init__`` says which module holds each public name; that module is imported
the first time the name is asked for (``from agentkit import Agent``, ``agentkit.Agent``),
and the name is then kept in the package, so later lookups are plain attribute reads. This
keeps ``import agentkit.models`` from loading the engine, the stores and the openai SDK
that a program may never use. ``dir(package)`` lists every name as if it had been imported;
type checkers and the API docs read the same names from the package's
``if TYPE_CHECKING:`` block and ``__all__``.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable, Mapping
from typing import Any

__all__ = ["lazy_exports"]


def lazy_exports(
    namespace: dict[str, Any],
    homes: Mapping[str, Iterable[str]],
    *,
    otherwise: Callable[[str], Any] | None = None,
) -> tuple[Callable[[str], Any], Callable[[], list[str]]]:
    """A package's ``__getattr__`` and ``__dir__`` serving names from their home modules.

    Args:
        namespace: the package's ``globals()``; a name is stored there once loaded.
        homes: module name -> the public names it holds that the package exports.
        otherwise: the lookup for any other name (e.g. `agentkit.deprecation.moved_names`);
            without it, an unknown name raises `AttributeError`.
    """
    package = namespace["__name__"]
    home_of = {name: module for module, names in homes.items() for name in names}

    def __getattr__(name: str) -> Any:
        module = home_of.get(name)
        if module is None:
            if otherwise is not None:
                return otherwise(name)
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(module), name)
        namespace[name] = value
        return value

    def __dir__() -> list[str]:
        return sorted({*namespace, *home_of})

    return __getattr__, __dir__
