"""Assistants that hand runs to each other: ``handoff`` tools resolved to stored assistants.

An assistant's tool ``{"type": "handoff", "handoff": {"assistant_id": ...}}`` lets its model
transfer the conversation to that assistant. The run's agent gets every assistant it can
reach this way as an `Agent` (built from the stored assistant records, as a run of each
would be), so the engine can hand the run over; see `agentkit.runs.handoffs`.
"""

from __future__ import annotations

from typing import Any

from agentkit.agent import Agent
from agentkit.exceptions import NotFoundError
from agentkit.records import Run
from agentkit.runs.handoffs import Handoff
from agentkit.server.config import ServerConfig
from agentkit.server.errors import APIError
from agentkit.server.run_agent import agent_for_run
from agentkit.stores.assistants import AssistantsStore

__all__ = ["agent_with_handoffs"]


async def agent_with_handoffs(
    store: AssistantsStore, run: Run, *, name: str, config: ServerConfig
) -> Agent[None, Any]:
    """The agent that drives ``run``, with the assistants its handoff tools name.

    Raises:
        APIError: a handoff names an assistant that does not exist (400, ``tools``).
    """
    entry = agent_for_run(run, name=name, config=config)
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
                agents[target_id] = _agent_for_assistant(record, config)
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


def _agent_for_assistant(record: dict[str, Any], config: ServerConfig) -> Agent[None, Any]:
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
    return agent_for_run(probe, name=record.get("name") or "", config=config)
