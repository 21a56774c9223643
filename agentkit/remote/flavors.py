"""What differs between Assistants-wire backends, in one small profile object per backend.

The code that talks to a backend asks its `RemoteFlavor` instead of branching on the backend:

=====================  ===================================  ================================
                       `OPENAI` (agentkit serve, clones)    `FOUNDRY_CLASSIC`
=====================  ===================================  ================================
run statuses           all nine                             no ``incomplete``
``tool_choice`` modes  ``none``, ``auto``, ``required``     ``none``, ``auto``
=====================  ===================================  ================================

Foundry's ``ThreadRun.agent_id`` is serialized as ``assistant_id`` on the wire, and Azure
clients send ``api-version`` on every request themselves, so neither needs handling here.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import Any, get_args

from openai import AsyncAzureOpenAI, AsyncOpenAI

from agentkit.models.request import AllowedTools, NamedToolChoice, ToolChoice
from agentkit.records import RunStatus

__all__ = ["FOUNDRY_CLASSIC", "OPENAI", "RemoteDeviationWarning", "RemoteFlavor", "flavor_for"]

_ALL_STATUSES: frozenset[str] = frozenset(get_args(RunStatus))


class RemoteDeviationWarning(UserWarning):
    """A setting the remote backend cannot express was replaced by the nearest one it can."""


@dataclass(frozen=True, slots=True)
class RemoteFlavor:
    """How one kind of backend deviates from the Assistants v2 contract.

    Attributes:
        name: shown in warnings and errors.
        run_statuses: the run statuses the backend reports.
        tool_choice_modes: the string ``tool_choice`` values it accepts.
    """

    name: str
    run_statuses: frozenset[str] = _ALL_STATUSES
    tool_choice_modes: frozenset[str] = frozenset({"none", "auto", "required"})

    def run_status(self, reported: str | None, *, incomplete_details: bool = False) -> RunStatus:
        """The agentkit status for a status the backend reported.

        A status agentkit does not know (or none) counts as ``in_progress``: the run is
        watched until it reports a known one or its deadline passes. A backend without
        ``incomplete`` that ends a run ``completed`` with ``incomplete_details`` cut it
        short, so that run is ``incomplete``.
        """
        if reported not in _ALL_STATUSES:
            return "in_progress"
        if reported == "completed" and incomplete_details and "incomplete" not in self.run_statuses:
            return "incomplete"
        return reported  # type: ignore[return-value]

    def wire_tool_choice(self, choice: ToolChoice) -> str | dict[str, Any]:
        """``choice`` in the backend's ``tool_choice`` format, degraded with a warning if needed.

        Warns:
            RemoteDeviationWarning: ``required`` on a backend without it (sent as ``auto``),
                or an allowed-tools subset, which the Assistants wire cannot express.
        """
        if isinstance(choice, NamedToolChoice):
            return {"type": "function", "function": {"name": choice.name}}
        if isinstance(choice, AllowedTools):
            _warn(
                f"tool_choice restricted to {list(choice.names)} cannot be sent to an "
                f"Assistants backend; sending {choice.mode!r} over all tools instead"
            )
            return self.wire_tool_choice(choice.mode)
        if choice not in self.tool_choice_modes:
            _warn(f"{self.name} does not accept tool_choice {choice!r}; sending 'auto' instead")
            return "auto"
        return choice


OPENAI = RemoteFlavor("openai")
"""The Assistants v2 contract as OpenAI published it: `agentkit serve` and compatible servers."""

FOUNDRY_CLASSIC = RemoteFlavor(
    "foundry-classic",
    run_statuses=_ALL_STATUSES - {"incomplete"},
    tool_choice_modes=frozenset({"none", "auto"}),
)
"""Azure AI Foundry Agent Service "classic" agents (threads/runs; retired 2027-03-31)."""


def flavor_for(client: AsyncOpenAI) -> RemoteFlavor:
    """The flavor to assume for ``client``: Foundry classic for Azure clients, else OpenAI's."""
    return FOUNDRY_CLASSIC if isinstance(client, AsyncAzureOpenAI) else OPENAI


def _warn(message: str) -> None:
    warnings.warn(message, RemoteDeviationWarning, stacklevel=4)
