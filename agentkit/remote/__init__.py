"""Runs executed by a remote Assistants-wire service, with agentkit supplying the tools.

For Azure AI Foundry "Agents (classic)" (until 2027-03-31), `agentkit serve`, and other
Assistants-compatible servers::

    runner = RemoteRunner(AsyncOpenAI(base_url=..., api_key=...))
    result = await runner.run(agent, "What is the weather in Oslo?")

See ``docs/remote.md``.
"""

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
