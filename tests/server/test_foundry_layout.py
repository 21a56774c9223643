"""Azure AI Foundry classic code, unchanged, against `agentkit serve`'s Foundry URL layout.

The real `azure-ai-agents` client, over HTTPS (its bearer-token policy refuses plain HTTP)
with a certificate from a test CA, authenticating with a static credential that returns
the project's API key; and `RemoteRunner` configured as docs/remote.md shows for Foundry.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import httpx2
import pytest
import trustme
import uvicorn
from azure.ai.agents import AgentsClient
from azure.ai.agents.models import (
    AgentStreamEvent,
    FunctionTool,
    ListSortOrder,
    MessageDeltaChunk,
    ToolSet,
)
from azure.core.credentials import AccessToken
from azure.core.exceptions import ClientAuthenticationError, ResourceNotFoundError
from openai import AsyncAzureOpenAI
from starlette.applications import Starlette

from agentkit import Agent, tool
from agentkit.models import ModelRequest, UserMessageItem
from agentkit.remote import FOUNDRY_CLASSIC, RemoteRunner
from agentkit.server import ServerConfig, create_app
from agentkit.testing import FunctionInfo, FunctionModel, TestModel, TurnResult, call_tool

from .conftest import KEYS


class ProjectKey:
    """A static `TokenCredential`: its token is the project's agentkit API key."""

    def __init__(self, key: str) -> None:
        self.key = key

    def get_token(self, *scopes: str, **options: Any) -> AccessToken:
        return AccessToken(self.key, int(time.time()) + 3600)


def get_weather(city: str) -> str:
    """Today's weather in a city.

    :param city: The city to look up.
    :return: The weather.
    """
    return f"sunny in {city}"


def forecaster(request: ModelRequest, info: FunctionInfo) -> TurnResult:
    """Asks for the weather, then answers with what the tool said."""
    last = request.items[-1]
    if last.kind == "tool_output":
        return f"The weather: {last.output}."
    said = last.text if isinstance(last, UserMessageItem) else ""
    return call_tool("get_weather", {"city": "Oslo"}) if "weather" in said else "Hello."


@dataclass
class HttpsServer:
    """`agentkit serve`'s app on 127.0.0.1 over TLS, and the CA that signed its certificate."""

    port: int
    ca_file: str

    def endpoint(self, project: str) -> str:
        """A Foundry project endpoint on this server."""
        return f"https://127.0.0.1:{self.port}/api/projects/{project}"

    def client(self, project: str = "alpha", key: str = "sk-alpha") -> AgentsClient:
        return AgentsClient(
            endpoint=self.endpoint(project),
            credential=ProjectKey(key),
            connection_verify=self.ca_file,
            retry_total=0,
        )


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[HttpsServer]:
    folder = tmp_path_factory.mktemp("foundry")
    ca = trustme.CA()
    cert = ca.issue_cert("127.0.0.1")
    ca.cert_pem.write_to_path(str(folder / "ca.pem"))
    cert.private_key_and_cert_chain_pem.write_to_path(str(folder / "server.pem"))
    config = ServerConfig(
        db_path=str(folder / "serve.db"),
        api_keys=KEYS,
        poll_after_ms=20,
        model_factory=lambda name: FunctionModel(forecaster),
    )
    settings = uvicorn.Config(
        create_app(config),
        host="127.0.0.1",
        port=0,
        log_level="warning",
        ssl_certfile=str(folder / "server.pem"),
    )
    uvicorn_server = uvicorn.Server(settings)
    thread = threading.Thread(target=uvicorn_server.run, name="foundry-https", daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not uvicorn_server.started:
        assert time.monotonic() < deadline and thread.is_alive(), "the server did not start"
        time.sleep(0.02)
    port = uvicorn_server.servers[0].sockets[0].getsockname()[1]
    try:
        yield HttpsServer(port=port, ca_file=str(folder / "ca.pem"))
    finally:
        uvicorn_server.should_exit = True
        thread.join(timeout=10)


def test_foundry_classic_code_runs_a_function_tool_conversation_unchanged(
    server: HttpsServer,
) -> None:
    with server.client() as agents:
        toolset = ToolSet()
        toolset.add(FunctionTool({get_weather}))
        agents.enable_auto_function_calls(toolset)
        agent = agents.create_agent(
            model="gpt-4o", name="forecaster", instructions="Answer briefly.", toolset=toolset
        )
        thread = agents.threads.create()
        agents.messages.create(thread_id=thread.id, role="user", content="What's the weather?")
        run = agents.runs.create_and_process(
            thread_id=thread.id, agent_id=agent.id, polling_interval=0
        )
        assert run.status == "completed", run.last_error
        messages = agents.messages.list(thread_id=thread.id, order=ListSortOrder.ASCENDING)
        texts = [(m.role, m.text_messages[0].text.value) for m in messages]
        steps = list(agents.run_steps.list(thread_id=thread.id, run_id=run.id))
        agents.delete_agent(agent.id)

    assert texts == [("user", "What's the weather?"), ("assistant", "The weather: sunny in Oslo.")]
    assert [step.type for step in steps] == ["message_creation", "tool_calls"]


def test_foundry_streaming_yields_the_answer_as_message_deltas(server: HttpsServer) -> None:
    with server.client() as agents:
        agent = agents.create_agent(model="gpt-4o", name="greeter")
        thread = agents.threads.create()
        agents.messages.create(thread_id=thread.id, role="user", content="Hi")
        deltas, events = [], []
        with agents.runs.stream(thread_id=thread.id, agent_id=agent.id) as stream:
            for event_type, data, _ in stream:
                events.append(event_type)
                if isinstance(data, MessageDeltaChunk):
                    deltas.append(data.text)

    assert "".join(deltas) == "Hello."
    assert events[-1] == AgentStreamEvent.DONE
    assert AgentStreamEvent.THREAD_RUN_COMPLETED in events


def test_the_project_in_the_url_must_be_the_keys_project(server: HttpsServer) -> None:
    with (
        server.client(project="beta", key="sk-alpha") as agents,
        pytest.raises(ResourceNotFoundError) as caught,
    ):
        agents.threads.create()

    assert caught.value.status_code == 404
    assert "The project 'beta' was not found for this API key." in str(caught.value)


def test_another_projects_key_reaches_only_that_projects_objects(server: HttpsServer) -> None:
    with server.client() as alpha:
        thread = alpha.threads.create()
    with server.client(project="beta", key="sk-beta") as beta, pytest.raises(ResourceNotFoundError):
        beta.threads.get(thread.id)


def test_an_unknown_key_is_refused_with_401(server: HttpsServer) -> None:
    with server.client(key="sk-nope") as agents, pytest.raises(ClientAuthenticationError) as caught:
        agents.threads.create()

    assert caught.value.status_code == 401
    assert "sk-nope" not in str(caught.value)


async def test_the_remote_docs_foundry_client_reaches_the_foundry_layout(app: Starlette) -> None:
    # docs/remote.md's configuration, with the token provider returning the project's key and
    # the app in process: every request goes to /api/projects/alpha/... with a bearer token.
    seen: list[str] = []

    async def record(request: httpx2.Request) -> None:
        seen.append(f"{request.method} {request.url.path} {request.url.params}")

    http = httpx2.AsyncClient(
        transport=httpx2.ASGITransport(app=app), event_hooks={"request": [record]}
    )
    client = AsyncAzureOpenAI(
        base_url="https://testserver/api/projects/alpha",
        api_version="v1",
        azure_ad_token_provider=lambda: "sk-alpha",
        http_client=http,
        max_retries=0,
    )
    agent = Agent(name="weather-bot", model=TestModel(), tools=[tool(get_weather)])
    async with client:
        runner = RemoteRunner(client, model="gpt-4o")
        assert runner.flavor is FOUNDRY_CLASSIC
        result = await runner.run(agent, "What is the weather in Oslo?")

    assert result.status == "completed", result.last_error
    assert [call.function.name for call in result.tool_calls] == ["get_weather"]
    assert seen and all(
        line.split()[1].startswith("/api/projects/alpha/") and "api-version=v1" in line
        for line in seen
    ), seen
