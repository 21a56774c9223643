"""Runs executed by a remote Assistants-wire service, with agentkit supplying the tools.

For Azure AI Foundry "Agents (classic)" (until 2027-03-31), `agentkit serve`, and other
Assistants-compatible servers::

    runner = RemoteRunner(AsyncOpenAI(base_url=..., api_key=...))
    result = await runner.run(agent, "What is the weather in Oslo?")

See ``docs/remote.md``.
"""

import typing

from agentkit.exports import lazy_exports as _lazy_exports

if typing.TYPE_CHECKING:
    from agentkit.remote.flavors import (
        FOUNDRY_CLASSIC,
        OPENAI,
        RemoteDeviationWarning,
        RemoteFlavor,
        flavor_for,
    )
    from agentkit.remote.polling import PollPolicy
    from agentkit.remote.runner import RemoteRunner
    from agentkit.remote.sync import AssistantSpec, SyncedAssistant, sync_assistant

__all__ = [
    "FOUNDRY_CLASSIC",
    "OPENAI",
    "AssistantSpec",
    "PollPolicy",
    "RemoteDeviationWarning",
    "RemoteFlavor",
    "RemoteRunner",
    "SyncedAssistant",
    "flavor_for",
    "sync_assistant",
]

# Each name loads its module on first use (see `agentkit.exports`).
if not typing.TYPE_CHECKING:
    __getattr__, __dir__ = _lazy_exports(
        globals(),
        {
            "agentkit.remote.flavors": [
                "FOUNDRY_CLASSIC",
                "OPENAI",
                "RemoteDeviationWarning",
                "RemoteFlavor",
                "flavor_for",
            ],
            "agentkit.remote.polling": ["PollPolicy"],
            "agentkit.remote.runner": ["RemoteRunner"],
            "agentkit.remote.sync": ["AssistantSpec", "SyncedAssistant", "sync_assistant"],
        },
    )
