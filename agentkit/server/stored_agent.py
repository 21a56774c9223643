"""The agent that drives a stored run: for a request, or when no request is driving it.

Every agent the server builds comes from here: a run's on creation and resume, its handoff
targets', and those of runs taken up later (an orphan `recover_orphans` continues, a run a
DBOS worker takes from the queue). Each has the run's function tools, the project's code
interpreter with the assistant's files, its file search over the assistant's vector stores,
and its images read from the project's files.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from agentkit.agent import Agent
from agentkit.exceptions import NotFoundError
from agentkit.files import Files
from agentkit.records import Run
from agentkit.server.config import ServerConfig
from agentkit.server.file_search import (
    ServerFileSearch,
    assistant_vector_store_ids,
    file_search_options,
)
from agentkit.server.handoffs import AgentBuilder, agent_with_handoffs
from agentkit.server.hosted import HostedTools, assistant_file_ids
from agentkit.server.run_agent import agent_for_run
from agentkit.stores.assistants import AssistantsStore

__all__ = ["Served", "agent_builder", "agent_of_stored_run"]


@dataclass(frozen=True)
class Served:
    """The server's hosted tools: the code interpreter's kernels and the vector stores."""

    hosted: HostedTools
    file_search: ServerFileSearch


def agent_builder(
    store: AssistantsStore, files: Files, *, served: Served, config: ServerConfig
) -> AgentBuilder:
    """Builds a run's agent, or a handoff target's, from the run and an assistant's record."""

    def build(run: Run, assistant: dict[str, Any]) -> Agent[None, Any]:
        project = store.project
        return agent_for_run(
            run,
            name=str(assistant.get("name") or ""),
            config=config,
            code_interpreter=served.hosted.code_interpreter(
                project, files, store, assistant_file_ids(assistant)
            ),
            file_search=served.file_search.tool(
                project,
                files,
                store,
                assistant_vector_store_ids(assistant),
                file_search_options(run.tools),
            ),
            image_files=files,
        )

    return build


async def agent_of_stored_run(
    run: Run, store: AssistantsStore, files: Files, *, served: Served, config: ServerConfig
) -> Agent[None, Any]:
    """The agent that drives ``run`` of ``store``'s project, as a resume would build it.

    Raises:
        APIError: a handoff of the run names an assistant that no longer exists.
    """
    try:
        assistant = await store.get_assistant(run.assistant_id)
    except NotFoundError:  # deleted since: the run keeps what it needs
        assistant = {}
    build = agent_builder(store, files, served=served, config=config)
    return await agent_with_handoffs(store, run, assistant, build)
