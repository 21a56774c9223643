"""What a route needs from the app: its project's store view, the run executor, the config."""

from __future__ import annotations

from dataclasses import dataclass

from starlette.requests import Request

from agentkit.files import Files
from agentkit.runner import Runner
from agentkit.server.config import ServerConfig
from agentkit.server.executor import RunExecutor
from agentkit.server.hosted import HostedTools
from agentkit.stores.assistants import AssistantsStore

__all__ = ["RequestContext", "context_of"]


@dataclass(frozen=True, slots=True)
class RequestContext:
    """The request's view of the server.

    Attributes:
        project: the project of the request's API key.
        store: the store scoped to that project (other projects' ids are not found).
        runner: the project's runner.
        files: the project's files.
        hosted: the server's hosted tools (the code interpreter).
    """

    project: str
    store: AssistantsStore
    runner: Runner
    executor: RunExecutor
    config: ServerConfig
    files: Files
    hosted: HostedTools


def context_of(request: Request) -> RequestContext:
    """The context of an authenticated request."""
    project: str = request.state.project
    executor: RunExecutor = request.app.state.executor
    store, runner = executor.project(project)
    files = executor.files(project)
    config = request.app.state.config
    hosted = request.app.state.hosted
    return RequestContext(project, store, runner, executor, config, files, hosted)
