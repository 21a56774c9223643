"""Toolsets: collections of tools, their wrappers, and tool packs loaded by name."""

import typing

from agentkit.exports import lazy_exports as _lazy_exports

# `Toolset` builds its wrappers, which subclass it: base imports them once the class exists,
# so it loads before any of them (``import agentkit.toolsets.filtered`` first included).
from agentkit.toolsets.base import AnyTool, Toolset, definition_of, source_of

if typing.TYPE_CHECKING:
    from agentkit.toolsets.combined import CombinedToolset, toolset_from
    from agentkit.toolsets.filtered import FilteredToolset
    from agentkit.toolsets.function import FunctionToolset
    from agentkit.toolsets.packs import ENTRY_POINT_GROUP, available_packs, load_toolset
    from agentkit.toolsets.prefixed import PrefixedToolset
    from agentkit.toolsets.renamed import RenamedTool, RenamedToolset
    from agentkit.toolsets.with_approval import ApprovalRequiredToolset

__all__ = [
    "ENTRY_POINT_GROUP",
    "AnyTool",
    "ApprovalRequiredToolset",
    "CombinedToolset",
    "FilteredToolset",
    "FunctionToolset",
    "PrefixedToolset",
    "RenamedTool",
    "RenamedToolset",
    "Toolset",
    "available_packs",
    "definition_of",
    "load_toolset",
    "source_of",
    "toolset_from",
]

# Each name loads its module on first use (see `agentkit.exports`).
if not typing.TYPE_CHECKING:
    __getattr__, __dir__ = _lazy_exports(
        globals(),
        {
            "agentkit.toolsets.combined": ["CombinedToolset", "toolset_from"],
            "agentkit.toolsets.filtered": ["FilteredToolset"],
            "agentkit.toolsets.function": ["FunctionToolset"],
            "agentkit.toolsets.packs": ["ENTRY_POINT_GROUP", "available_packs", "load_toolset"],
            "agentkit.toolsets.prefixed": ["PrefixedToolset"],
            "agentkit.toolsets.renamed": ["RenamedTool", "RenamedToolset"],
            "agentkit.toolsets.with_approval": ["ApprovalRequiredToolset"],
        },
    )
