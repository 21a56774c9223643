from __future__ import annotations

import pytest
from openai import AsyncAzureOpenAI

from agentkit.exceptions import UserError
from agentkit.models import ChatCompletionsModel, ResponsesModel, describe_model, model_from_env
from agentkit.models.env import DEFAULT_MODEL
from agentkit.testing import TestModel


def test_nothing_configured_gives_the_offline_test_model() -> None:
    model = model_from_env(environ={})

    assert isinstance(model, TestModel)
    assert describe_model(model) == "TestModel (offline, deterministic)"


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
