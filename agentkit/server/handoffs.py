"""Assistants that hand runs to each other: ``handoff`` tools resolved to stored assistants.

An assistant's tool ``{"type": "handoff", "handoff": {"assistant_id": ...}}`` lets its model
transfer the conversation to that assistant. The run's agent gets every assistant it can
reach this way as an `Agent` (built from the stored assistant records, as a run of each
would be), so the engine can hand the run over; see `agentkit.runs.handoffs`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeAlias

from agentkit.agent import Agent
from agentkit.exceptions import NotFoundError
from agentkit.records import Run
from agentkit.runs.handoffs import Handoff
from agentkit.server.errors import APIError
from agentkit.stores.assistants import AssistantsStore

__all__ = ["AgentBuilder", "agent_with_handoffs"]

AgentBuilder: TypeAlias = Callable[[Run, dict[str, Any]], Agent[None, Any]]
"""Builds the agent of a run from the run and its assistant's record (`agent_for_run`)."""


async def agent_with_handoffs(
    store: AssistantsStore, run: Run, assistant: dict[str, Any], build: AgentBuilder
) -> Agent[None, Any]:
    """The agent that drives ``run``, with the assistants its handoff tools name.

    ``assistant`` is the run's assistant record (empty if it was deleted since); ``build``
    makes each agent, the run's and its handoff targets' alike.

    Raises:
        APIError: a handoff names an assistant that does not exist (400, ``tools``).
    """
    entry = build(run, assistant)
    agents: dict[str, Agent[None, Any]] = {run.assistant_id: entry}
    todo: list[tuple[Agent[None, Any], list[dict[str, Any]]]] = [(entry, run.tools)]
    while todo:
        agent, tools = todo.pop()
        targets = []
        for spec in tools:
            if spec.get("type") != "handoff":
                continue
            target_id = str(spec["handoff"]["assistant_id"])
            if target_id not in agents:
                record = await _assistant(store, target_id)
                agents[target_id] = _agent_for_assistant(record, build)
                todo.append((agents[target_id], list(record.get("tools") or [])))
            targets.append(
                Handoff(agents[target_id], description=spec["handoff"].get("description"))
            )
        if targets:
            agent.add_handoffs(*targets)
    return entry


async def _assistant(store: AssistantsStore, assistant_id: str) -> dict[str, Any]:
    try:
        return await store.get_assistant(assistant_id)
    except NotFoundError:
        message = f"A handoff names the assistant {assistant_id!r}, which does not exist."
        raise APIError(400, message, param="tools", code="invalid_value") from None


def _agent_for_assistant(record: dict[str, Any], build: AgentBuilder) -> Agent[None, Any]:
    """The agent a run of this assistant (without overrides) would get."""
    probe = Run(
        thread_id="",
        assistant_id=record["id"],
        model=record["model"],
        instructions=record.get("instructions") or "",
        tools=list(record.get("tools") or []),
        temperature=record.get("temperature"),
        top_p=record.get("top_p"),
        response_format=record.get("response_format") or "auto",
    )
    return build(probe, record)
