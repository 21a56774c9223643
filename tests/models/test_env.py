from __future__ import annotations

import pytest
from openai import AsyncAzureOpenAI

from agentkit import Agent
from agentkit.exceptions import UserError
from agentkit.models import (
    DEFAULT_MODEL,
    ChatCompletionsModel,
    ResponsesModel,
    describe_model,
    model_from_env,
    resolve_model,
)
from agentkit.testing import FakeOpenAI, TestModel


def test_nothing_configured_is_an_error_naming_the_variables() -> None:
    with pytest.raises(UserError) as caught:
        model_from_env(environ={})

    for name in ("OPENAI_API_KEY", "OPENAI_BASE_URL", "AZURE_OPENAI_ENDPOINT", "model='test'"):
        assert name in str(caught.value)


def test_the_offline_model_is_named_explicitly() -> None:
    model = resolve_model("test")

    assert isinstance(model, TestModel)
    assert describe_model(model) == "TestModel (offline, deterministic)"


def test_a_name_with_an_unknown_prefix_is_an_error_at_construction() -> None:
    with pytest.raises(UserError, match="model='qwen3:8b': 'qwen3' is not a prefix"):
        Agent(name="a", model="qwen3:8b")


async def test_an_agent_without_a_model_fails_its_first_run_naming_the_variables(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for name in ("OPENAI_API_KEY", "OPENAI_BASE_URL", "AZURE_OPENAI_ENDPOINT"):
        monkeypatch.delenv(name, raising=False)
    agent = Agent(name="a")
    assert repr(agent) == "Agent(name='a', model='from the environment')"
    with pytest.raises(UserError, match="OPENAI_API_KEY"):
        await agent.run("hi")


async def test_an_agent_without_a_model_runs_on_the_environments(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    fake = FakeOpenAI(["Hello from the server."])
    async with fake.serve() as url:
        monkeypatch.setenv("OPENAI_BASE_URL", url)
        monkeypatch.delenv("AZURE_OPENAI_ENDPOINT", raising=False)
        agent = Agent(name="a")
        result = await agent.run("hi")
        await agent.model.aclose()
    assert result.output_text == "Hello from the server."
    assert isinstance(agent.model, ResponsesModel)


def test_openai_key_gives_a_responses_model() -> None:
    model = model_from_env(environ={"OPENAI_API_KEY": "sk-test"})

    assert isinstance(model, ResponsesModel)
    assert (model.model_name, model.provider) == (DEFAULT_MODEL, "openai")
    assert describe_model(model) == (
        f"ResponsesModel '{DEFAULT_MODEL}' via responses at https://api.openai.com/v1/ (openai)"
    )


def test_base_url_alone_with_chat_api_gives_a_chat_model_for_a_local_server() -> None:
    env = {
        "OPENAI_BASE_URL": "http://127.0.0.1:11434/v1",
        "AGENTKIT_API": "chat",
        "AGENTKIT_MODEL": "qwen3",
    }

    model = model_from_env(environ=env)

    assert isinstance(model, ChatCompletionsModel)
    assert describe_model(model) == (
        "ChatCompletionsModel 'qwen3' via chat.completions at http://127.0.0.1:11434/v1/ (openai)"
    )


def test_model_name_argument_wins_over_the_environment() -> None:
    model = model_from_env("gpt-x", environ={"OPENAI_API_KEY": "k", "AGENTKIT_MODEL": "gpt-y"})

    assert model.model_name == "gpt-x"


def test_azure_endpoint_gives_an_azure_client() -> None:
    env = {
        "AZURE_OPENAI_ENDPOINT": "https://res.openai.azure.com",
        "OPENAI_API_VERSION": "2025-04-01-preview",
        "AZURE_OPENAI_API_KEY": "k",
        "AZURE_OPENAI_DEPLOYMENT": "prod-gpt",
        "OPENAI_API_KEY": "ignored",
    }

    model = model_from_env(environ=env)

    assert isinstance(model, ResponsesModel)
    assert isinstance(model.client, AsyncAzureOpenAI)
    assert (model.model_name, model.provider) == ("prod-gpt", "azure")


def test_azure_without_a_deployment_is_a_user_error() -> None:
    env = {
        "AZURE_OPENAI_ENDPOINT": "https://res",
        "OPENAI_API_VERSION": "v",
        "AZURE_OPENAI_API_KEY": "k",
    }

    with pytest.raises(UserError, match="AZURE_OPENAI_DEPLOYMENT"):
        model_from_env(environ=env)


def test_unknown_api_is_a_user_error() -> None:
    with pytest.raises(UserError, match="AGENTKIT_API"):
        model_from_env(environ={"OPENAI_API_KEY": "k", "AGENTKIT_API": "assistants"})
