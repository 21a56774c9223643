"""Fixtures: the app in-process (ASGI) and on 127.0.0.1, with openai SDK clients."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any, Final

import httpx2
import pytest
from openai import AsyncOpenAI, OpenAI
from openai.types.beta.threads.runs import (
    FileSearchToolCall,
    RunStep,
    ToolCallsStepDetails,
)
from openai.types.beta.threads.runs.file_search_tool_call import FileSearchResult
from starlette.applications import Starlette

from agentkit.server import BackgroundServer, ServerConfig, create_app, offline_model_factory
from tests.leak_watch import secrets

KEYS = secrets({"sk-alpha": "alpha", "sk-beta": "beta"})

assistants_sdk = pytest.mark.filterwarnings(
    # The openai SDK marks every beta.assistants / beta.threads method deprecated; these tests
    # use them on purpose. Only those two messages are ignored.
    r"ignore:deprecated$:DeprecationWarning",
    r"ignore:The Assistants API is deprecated:DeprecationWarning",
)
"""Mark a test that calls the SDK's (deprecated) Assistants methods."""

SEARCH_CONTENT: Final = "step_details.tool_calls[*].file_search.results[*].content"
"""The ``include`` value that asks for the text of ``file_search`` results in run steps."""


def search_results(steps: list[RunStep]) -> list[list[FileSearchResult]]:
    """The results of each ``file_search`` call in the runs' tool steps, in order."""
    found: list[list[FileSearchResult]] = []
    for step in steps:
        if isinstance(step.step_details, ToolCallsStepDetails):
            for call in step.step_details.tool_calls:
                assert isinstance(call, FileSearchToolCall), call
                found.append(call.file_search.results or [])
    return found


def result_text(result: FileSearchResult) -> str:
    """A result's text, which a step carries only when ``include`` asked for it."""
    assert result.content, f"no text for {result.file_name}: was include asked for?"
    return "".join(part.text or "" for part in result.content)


QUIZ_TOOL: dict[str, Any] = {
    "type": "function",
    "function": {
        "name": "display_quiz",
        "description": "Displays a quiz to the student, and returns the student's response.",
        "parameters": {
            "type": "object",
            "properties": {
                "title": {"type": "string"},
                "questions": {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "properties": {
                            "question_text": {"type": "string"},
                            "question_type": {
                                "type": "string",
                                "enum": ["MULTIPLE_CHOICE", "FREE_RESPONSE"],
                            },
                            "choices": {"type": "array", "items": {"type": "string"}},
                        },
                        "required": ["question_text"],
                    },
                },
            },
            "required": ["title", "questions"],
        },
    },
}


@pytest.fixture
def db_path(tmp_path: Path) -> str:
    return str(tmp_path / "serve.db")


@pytest.fixture
def config(db_path: str) -> ServerConfig:
    return ServerConfig(
        model_factory=offline_model_factory, db_path=db_path, api_keys=KEYS, poll_after_ms=20
    )


@pytest.fixture
async def app(config: ServerConfig) -> AsyncIterator[Starlette]:
    app = create_app(config)
    async with app.router.lifespan_context(app):
        yield app


def http_client(app: Starlette, key: str | None = "sk-alpha") -> httpx2.AsyncClient:
    headers = {"OpenAI-Beta": "assistants=v2"}
    if key is not None:
        headers["Authorization"] = f"Bearer {key}"
    transport = httpx2.ASGITransport(app=app)
    return httpx2.AsyncClient(transport=transport, base_url="http://testserver", headers=headers)


@pytest.fixture
async def http(app: Starlette) -> AsyncIterator[httpx2.AsyncClient]:
    async with http_client(app) as client:
        yield client


def sdk_client(app: Starlette, key: str = "sk-alpha") -> AsyncOpenAI:
    return AsyncOpenAI(
        api_key=key,
        base_url="http://testserver/v1",
        http_client=httpx2.AsyncClient(transport=httpx2.ASGITransport(app=app)),
        max_retries=0,
        _strict_response_validation=True,
    )


@pytest.fixture
async def client(app: Starlette) -> AsyncIterator[AsyncOpenAI]:
    async with sdk_client(app) as sdk:
        yield sdk


@pytest.fixture
def live_server(config: ServerConfig) -> Iterator[BackgroundServer]:
    with BackgroundServer(config) as server:
        yield server


@pytest.fixture
def sync_client(live_server: BackgroundServer) -> Iterator[OpenAI]:
    with OpenAI(
        api_key="sk-alpha",
        base_url=live_server.base_url,
        max_retries=0,
        _strict_response_validation=True,
    ) as sdk:
        yield sdk


async def create_quiz_assistant(http: httpx2.AsyncClient) -> str:
    response = await http.post(
        "/v1/assistants", json={"model": "gpt-4o", "name": "Math Tutor", "tools": [QUIZ_TOOL]}
    )
    assert response.status_code == 200, response.text
    return str(response.json()["id"])
