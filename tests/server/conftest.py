"""Fixtures: the app in-process (ASGI) and on 127.0.0.1, with openai SDK clients."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import httpx2
import pytest
from openai import AsyncOpenAI, OpenAI
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
