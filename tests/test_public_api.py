"""The public surface: sorted, complete, importable without side effects."""

from __future__ import annotations

import subprocess
import sys
import types
import typing

import agentkit
import agentkit.events


def _public_names(module: object) -> list[str]:
    # dir(), not vars(): the package loads a name's module on first use (agentkit.exports).
    return [name for name in dir(module) if not name.startswith("_")]


def test_all_is_sorted_case_sensitively() -> None:
    assert agentkit.__all__ == sorted(agentkit.__all__)


def test_all_lists_every_everyday_name_and_nothing_else() -> None:
    exported = set(agentkit.__all__)
    # Submodules show up as attributes once imported anywhere; they are not everyday names.
    defined = {
        name
        for name in _public_names(agentkit)
        if not isinstance(getattr(agentkit, name), types.ModuleType)
    }
    assert defined == exported


def test_events_module_exports_every_event_kind() -> None:
    kinds = {cls.__name__ for cls in typing.get_args(agentkit.events.RunEvent)}
    assert set(agentkit.events.__all__) == kinds | {"RunEvent"}


def test_importing_agentkit_does_not_import_the_openai_sdk() -> None:
    code = "import sys, agentkit; print('openai' in sys.modules)"
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "False"
