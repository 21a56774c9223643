"""Tool packs: toolsets that installed packages publish under an entry-point group.

A package publishes a toolset (or a zero-argument factory returning one) in its
``pyproject.toml``::

    [project.entry-points."agentkit.toolsets"]
    weather = "agentkit_weather_pack:toolset"

Nothing is imported because a pack is installed: `load_toolset` imports exactly the pack
it is asked for, and `available_packs` only reads installed metadata.
"""

from __future__ import annotations

from importlib.metadata import EntryPoint, entry_points

from agentkit.exceptions import UserError
from agentkit.tools.base import Tool
from agentkit.toolsets.base import Toolset

__all__ = ["ENTRY_POINT_GROUP", "available_packs", "load_toolset"]

ENTRY_POINT_GROUP = "agentkit.toolsets"


def available_packs(group: str = ENTRY_POINT_GROUP) -> dict[str, str]:
    """Installed pack names and the distribution publishing each, without importing them."""
    return {ep.name: _distribution(ep) for ep in sorted(entry_points(group=group), key=_key)}


def load_toolset(name: str, *, group: str = ENTRY_POINT_GROUP) -> Toolset:
    """Import the pack called ``name`` and return its toolset.

    Raises:
        UserError: no pack has that name (the message lists the installed ones), two
            distributions publish it, importing it failed, or it is not a toolset.
    """
    matches = [ep for ep in entry_points(group=group) if ep.name == name]
    if not matches:
        names = sorted({ep.name for ep in entry_points(group=group)})
        listed = ", ".join(names) if names else "none are installed"
        raise UserError(f"no tool pack named {name!r} in entry-point group {group!r} ({listed})")
    if len({ep.value for ep in matches}) > 1:
        sources = " and ".join(f"{_distribution(ep)} ({ep.value})" for ep in matches)
        raise UserError(f"tool pack {name!r} is published twice: {sources}")
    entry_point = matches[0]
    try:
        target = entry_point.load()
    except Exception as exc:
        raise UserError(
            f"tool pack {name!r} ({entry_point.value}, from {_distribution(entry_point)}) "
            f"failed to import: {type(exc).__name__}: {exc}"
        ) from exc
    return _as_toolset(name, entry_point, target)


def _as_toolset(name: str, entry_point: EntryPoint, target: object) -> Toolset:
    if isinstance(target, Toolset):
        return target
    if callable(target) and not isinstance(target, Tool):
        try:
            made = target()
        except Exception as exc:
            raise UserError(
                f"tool pack {name!r}: the factory {entry_point.value} raised "
                f"{type(exc).__name__}: {exc}"
            ) from exc
        if isinstance(made, Toolset):
            return made
        target = made
    raise UserError(
        f"tool pack {name!r}: {entry_point.value} must be a Toolset or a zero-argument "
        f"factory returning one, got {type(target).__name__} (wrap tools in FunctionToolset)"
    )


def _distribution(entry_point: EntryPoint) -> str:
    dist = entry_point.dist
    return f"{dist.name} {dist.version}" if dist is not None else "an unknown distribution"


def _key(entry_point: EntryPoint) -> str:
    return entry_point.name
