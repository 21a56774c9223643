"""Keeping a remote assistant in step with an `Agent`, idempotently.

The assistant carries two metadata keys: ``agentkit_agent`` (the agent's name) to find it
again on the next start, and ``agentkit_hash`` (a hash of what agentkit sends) to skip
updates when nothing changed. So syncing is: list, then create, update, or nothing.

Some compatible services have no ``GET /assistants``. Then nothing made before can be found:
agentkit creates the assistant once, remembers it (in the `RemoteRunner`), updates that one
when the agent changes, and warns (`RemoteDeviationWarning`) that it does so.
"""

from __future__ import annotations

import hashlib
import json
import warnings
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import openai
from openai import AsyncOpenAI

from agentkit.remote.flavors import RemoteDeviationWarning
from agentkit.remote.sdk import assistants_api

if TYPE_CHECKING:
    from agentkit.agent import Agent

__all__ = ["AGENT_KEY", "HASH_KEY", "AssistantSpec", "SyncedAssistant", "sync_assistant"]

AGENT_KEY = "agentkit_agent"
HASH_KEY = "agentkit_hash"


@dataclass(frozen=True, slots=True)
class AssistantSpec:
    """What the remote assistant should look like for an agent."""

    name: str
    model: str
    instructions: str
    description: str
    tools: tuple[str, ...]  # each tool definition as canonical JSON, to hash and compare

    @classmethod
    def of(cls, agent: Agent[Any, Any], model: str | None = None) -> AssistantSpec:
        """The spec for ``agent``; ``model`` overrides the agent's model name."""
        return cls(
            name=agent.name,
            model=model or agent.model.model_name,
            instructions=agent.instructions,
            description=agent.description,
            tools=tuple(json.dumps(t, sort_keys=True) for t in agent.wire_tools()),
        )

    @property
    def digest(self) -> str:
        """A short hash of everything agentkit sends (fits a metadata value)."""
        text = json.dumps([self.name, self.model, self.instructions, self.description, self.tools])
        return hashlib.sha256(text.encode()).hexdigest()[:32]

    def body(self) -> dict[str, Any]:
        """The create/update request fields."""
        body: dict[str, Any] = {
            "name": self.name,
            "model": self.model,
            "instructions": self.instructions,
            "tools": [json.loads(t) for t in self.tools],
            "metadata": {AGENT_KEY: self.name, HASH_KEY: self.digest},
        }
        if self.description:
            body["description"] = self.description
        return body


@dataclass(frozen=True, slots=True)
class SyncedAssistant:
    """The remote assistant for an agent, and what syncing did (created, updated, unchanged)."""

    id: str
    digest: str
    action: str


async def sync_assistant(
    client: AsyncOpenAI, spec: AssistantSpec, known: SyncedAssistant | None = None
) -> SyncedAssistant:
    """Create the assistant for ``spec``, update it if it changed, or find it unchanged.

    Assistants are recognised by their ``agentkit_agent`` metadata; when several carry the
    same name (made by hand, or by a race), the newest one is used. On a service that cannot
    list assistants, ``known`` (the one synced before, if any) is updated, or one is created.
    """
    try:
        found = await _find(client, spec.name)
    except openai.APIStatusError as exc:
        if exc.status_code not in _NO_LIST_STATUSES:
            raise
        found = _remembered(known, spec, exc)
    if found is None:
        with assistants_api():
            pending = client.beta.assistants.create(**spec.body())
        created = await pending
        return SyncedAssistant(created.id, spec.digest, "created")
    assistant_id, digest = found
    if digest == spec.digest:
        return SyncedAssistant(assistant_id, digest, "unchanged")
    with assistants_api():
        pending_update = client.beta.assistants.update(assistant_id, **spec.body())
    await pending_update
    return SyncedAssistant(assistant_id, spec.digest, "updated")


# What a service answers for a route it does not have (or a method it does not allow).
_NO_LIST_STATUSES = frozenset({404, 405, 501})


def _remembered(
    known: SyncedAssistant | None, spec: AssistantSpec, exc: openai.APIStatusError
) -> tuple[str, str] | None:
    if known is not None:
        return known.id, known.digest
    warnings.warn(
        f"The service cannot list assistants (GET /assistants answered {exc.status_code}), "
        f"so agentkit cannot find the assistant it made for {spec.name!r} before: it creates "
        "one and reuses it for as long as this RemoteRunner lives.",
        RemoteDeviationWarning,
        stacklevel=2,
    )
    return None


async def _find(client: AsyncOpenAI, name: str) -> tuple[str, str] | None:
    with assistants_api():
        pages = client.beta.assistants.list(limit=100, order="desc")
    async for assistant in pages:
        metadata: Any = assistant.metadata or {}
        if metadata.get(AGENT_KEY) == name:
            return assistant.id, str(metadata.get(HASH_KEY, ""))
    return None
