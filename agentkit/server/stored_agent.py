"""The agent that continues a stored run no request is driving: recovered or taken by a worker.

A resume builds its agent from the request's assistant; a run taken up later (an orphan
`recover_orphans` continues, a run a DBOS worker takes from the queue) is given the same one
from its own fields: its function tools, the project's code interpreter with the assistant's
files, and its images read from the project's files.
"""

from __future__ import annotations

from typing import Any

from agentkit.agent import Agent
from agentkit.exceptions import NotFoundError
from agentkit.files import Files
from agentkit.records import Run
from agentkit.server.config import ServerConfig
from agentkit.server.handoffs import AgentBuilder, agent_with_handoffs
from agentkit.server.hosted import HostedTools, assistant_file_ids
from agentkit.server.run_agent import agent_for_run
from agentkit.stores.assistants import AssistantsStore

__all__ = ["agent_builder", "agent_of_stored_run"]


def agent_builder(
    store: AssistantsStore, files: Files, *, hosted: HostedTools, config: ServerConfig
) -> AgentBuilder:
    """Builds a run's agent, or a handoff target's, from the run and an assistant's record."""

    def build(run: Run, assistant: dict[str, Any]) -> Agent[None, Any]:
        return agent_for_run(
            run,
            name=str(assistant.get("name") or ""),
            config=config,
            code_interpreter=hosted.code_interpreter(
                store.project, files, store, assistant_file_ids(assistant)
            ),
            image_files=files,
        )

    return build


async def agent_of_stored_run(
    run: Run,
    store: AssistantsStore,
    files: Files,
    *,
    hosted: HostedTools,
    config: ServerConfig,
) -> Agent[None, Any]:
    """The agent that drives ``run`` of ``store``'s project, as a resume would build it.

    Raises:
        APIError: a handoff of the run names an assistant that no longer exists.
    """
    assistant = await _assistant(store, run.assistant_id)
    build = agent_builder(store, files, hosted=hosted, config=config)
    return await agent_with_handoffs(store, run, assistant or {}, build)


async def _assistant(store: AssistantsStore, assistant_id: str) -> dict[str, Any] | None:
    # The run keeps everything it needs; the assistant may even have been deleted since.
    try:
        return await store.get_assistant(assistant_id)
    except NotFoundError:
        return None
